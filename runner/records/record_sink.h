// Where finished records go: the records file, the metrics, or a thread in front of them.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "runner/base/yield_policy.h"
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
  void Drain() {
    // Measuring can wait; the load loop's timestamps cannot (yield_policy.h).
    base::YieldPolicy yield(4096, 256);
    std::unique_lock lock(mutex_);
    for (;;) {
      ready_.wait(lock, [&] { return closed_ || !queue_.empty(); });
      if (queue_.empty()) return;
      // Once the run has ended nothing is left to yield to, and the results wait for this
      // thread: it drains at its full share, not in a busy machine's idle moments.
      yield.Queued(closed_ ? SIZE_MAX : queue_.size());
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
