#pragma once
// Cooperative cancellation: a long computation polls `throw_if_cancelled()` at step and instance
// boundaries, and a front end that cannot kill the process (the Python module, where Ctrl-C must
// raise KeyboardInterrupt and leave the interpreter usable) calls `request_cancel()` from another
// thread. The flag is process-wide: Ctrl-C cancels every freelunch computation in flight. The CLI
// never sets it (SIGINT ends the process), so there the polls cost one relaxed atomic load.
#include <stdexcept>

namespace freelunch {

// Thrown by throw_if_cancelled(); front ends turn it into their own interruption (the Python
// module into KeyboardInterrupt).
struct Cancelled : std::runtime_error {
  Cancelled() : std::runtime_error("cancelled") {}
};

void request_cancel() noexcept;
void clear_cancel() noexcept;
bool cancel_requested() noexcept;
inline void throw_if_cancelled() {
  if (cancel_requested()) throw Cancelled();
}

}  // namespace freelunch
