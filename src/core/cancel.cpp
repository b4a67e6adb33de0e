#include "core/cancel.hpp"

#include <atomic>

namespace freelunch {
namespace {
std::atomic<bool> cancel_flag{false};
}  // namespace

void request_cancel() noexcept { cancel_flag.store(true, std::memory_order_relaxed); }
void clear_cancel() noexcept { cancel_flag.store(false, std::memory_order_relaxed); }
bool cancel_requested() noexcept { return cancel_flag.load(std::memory_order_relaxed); }

}  // namespace freelunch
