#include "core/cancel.hpp"

#include <atomic>
#include <mutex>

namespace freelunch {
namespace {
std::atomic<bool> cancel_flag{false};
std::atomic<bool> deadline_flag{false};
std::atomic<std::chrono::steady_clock::rep> deadline_ticks{0};  // steady_clock ticks since its epoch
std::mutex cap_text_mutex;
std::string cap_text_value;  // guarded by cap_text_mutex
}  // namespace

void request_cancel() noexcept { cancel_flag.store(true, std::memory_order_relaxed); }
void clear_cancel() noexcept { cancel_flag.store(false, std::memory_order_relaxed); }
bool cancel_requested() noexcept { return cancel_flag.load(std::memory_order_relaxed); }
bool deadline_armed() noexcept { return deadline_flag.load(std::memory_order_relaxed); }

void throw_if_past_deadline() {
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  if (!deadline_armed() || now < deadline_ticks.load(std::memory_order_relaxed)) return;
  std::string cap;
  {
    const std::lock_guard<std::mutex> lock(cap_text_mutex);
    cap = cap_text_value;
  }
  throw TimeCapExceeded("stopped at the time cap " + cap + " before the command finished (its up-front estimates were below the cap); raise the cap with --max-time");
}

ScopedDeadline::ScopedDeadline(double seconds, std::string cap_text) {
  {
    const std::lock_guard<std::mutex> lock(cap_text_mutex);
    cap_text_value = std::move(cap_text);
  }
  const auto span = std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds));
  deadline_ticks.store((std::chrono::steady_clock::now() + span).time_since_epoch().count(), std::memory_order_relaxed);
  deadline_flag.store(true, std::memory_order_relaxed);
}

ScopedDeadline::~ScopedDeadline() { deadline_flag.store(false, std::memory_order_relaxed); }

}  // namespace freelunch
