// --max-batch: at most N streams decode at once; the rest wait in arrival order.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace servebench::mock {

class BatchSlots {
 public:
  explicit BatchSlots(int64_t capacity) : capacity_(capacity) {}

  // Returns whether the caller had to wait for a slot.
  bool Acquire() {
    if (capacity_ <= 0) return false;
    std::unique_lock lock(mutex_);
    const uint64_t ticket = next_ticket_++;
    const bool free = ticket == now_serving_ && active_ < capacity_;
    changed_.wait(lock, [&] { return ticket == now_serving_ && active_ < capacity_; });
    ++active_;
    ++now_serving_;
    changed_.notify_all();
    return !free;
  }

  void Release() {
    if (capacity_ <= 0) return;
    std::lock_guard lock(mutex_);
    --active_;
    changed_.notify_all();
  }

 private:
  const int64_t capacity_;
  std::mutex mutex_;
  std::condition_variable changed_;
  uint64_t next_ticket_ = 0;
  uint64_t now_serving_ = 0;
  int64_t active_ = 0;
};

}  // namespace servebench::mock
