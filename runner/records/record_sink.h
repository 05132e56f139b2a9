// Where finished records go: the records file, the metrics, or a thread in front of them.
#pragma once

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "runner/records/record.h"

namespace servebench::records {

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual void Add(Record record) = 0;
  // Passes a record the sink only reads and need not keep. A sink that never keeps one
  // overrides this, so that a TeeSink in front of it does not copy every record (a long
  // stream's events are megabytes).
  virtual void Read(const Record& record) { Add(record); }
  virtual void Close() {}
};

// Passes each record to several sinks in turn (the records file, then the metrics).
class TeeSink : public RecordSink {
 public:
  TeeSink(RecordSink& first, RecordSink& second) : first_(first), second_(second) {}
  void Add(Record record) override {
    first_.Read(record);
    second_.Add(std::move(record));
  }
  void Close() override {
    first_.Close();
    second_.Close();
  }

 private:
  RecordSink& first_;
  RecordSink& second_;
};

// Hands records to another sink on its own thread, so parsing, tokenizing and writing never
// run on the load loop.
class AsyncSink : public RecordSink {
 public:
  explicit AsyncSink(RecordSink& inner) : inner_(inner), thread_([this] { Drain(); }) {}
  ~AsyncSink() override { Close(); }
  void Add(Record record) override {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(std::move(record));
    }
    ready_.notify_one();
  }
  // Waits until every record added so far has been passed on, then closes the inner sink.
  void Close() override {
    {
      std::lock_guard lock(mutex_);
      if (closed_) return;
      closed_ = true;
    }
    ready_.notify_one();
    thread_.join();
    inner_.Close();
  }

 private:
  // Measuring can wait; the load loop's timestamps cannot. While it keeps up, this thread runs
  // only when a core has nothing else to do (SCHED_IDLE): on a core it shares with the loop,
  // the loop's wake-up preempts it at once, where a low priority (nice) still let it hold the
  // core for a time slice of milliseconds and stamp the loop's reads late. When the loop keeps
  // every core busy, that would starve it and its queue would grow without bound: past
  // kBehind records it takes a share of the core again (nice 10) until it has caught up.
  static constexpr size_t kBehind = 4096, kCaughtUp = 256;
  static void RunWhenIdle(bool idle) {
    const sched_param none{};
    sched_setscheduler(0, idle ? SCHED_IDLE : SCHED_OTHER, &none);
    if (!idle) setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
  }

  void Drain() {
    bool idle = true;
    RunWhenIdle(true);
    std::unique_lock lock(mutex_);
    for (;;) {
      ready_.wait(lock, [&] { return closed_ || !queue_.empty(); });
      if (queue_.empty()) return;
      const bool behind = queue_.size() > kBehind, caught_up = queue_.size() < kCaughtUp;
      if ((idle && behind) || (!idle && caught_up)) {
        idle = !idle;
        RunWhenIdle(idle);
      }
      Record record = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      inner_.Add(std::move(record));
      lock.lock();
    }
  }

  RecordSink& inner_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Record> queue_;
  bool closed_ = false;
  std::thread thread_;
};

}  // namespace servebench::records
