#pragma once
// Cooperative cancellation: a long computation polls `throw_if_cancelled()` at step and instance
// boundaries, and a front end that cannot kill the process (the Python module, where Ctrl-C must
// raise KeyboardInterrupt and leave the interpreter usable) calls `request_cancel()` from another
// thread. The flag is process-wide: Ctrl-C cancels every freelunch computation in flight. The CLI
// never sets it (SIGINT ends the process), so there the polls cost one relaxed atomic load.
//
// The same polls keep a time cap (`--max-time` of eval, copy and cot): while a ScopedDeadline is
// alive, a poll past its end throws TimeCapExceeded, a UsageError (one line, exit 2). It backs
// the up-front time estimates (core/time_cap.hpp), which count the work of the values a run
// creates and so can fall short of the real time by the cost of gcds or cache misses: a run
// stops at most one poll interval (one step of a model) after its cap, whatever the estimate said.
#include <chrono>
#include <stdexcept>
#include <string>

#include "arith/errors.hpp"

namespace freelunch {

// Thrown by throw_if_cancelled(); front ends turn it into their own interruption (the Python
// module into KeyboardInterrupt).
struct Cancelled : std::runtime_error {
  Cancelled() : std::runtime_error("cancelled") {}
};

// Thrown by throw_if_cancelled() once the armed deadline has passed.
struct TimeCapExceeded : UsageError {
  using UsageError::UsageError;
};

void request_cancel() noexcept;
void clear_cancel() noexcept;
bool cancel_requested() noexcept;
bool deadline_armed() noexcept;
void throw_if_past_deadline();  // reads the clock; throws TimeCapExceeded when past

inline void throw_if_cancelled() {
  if (cancel_requested()) throw Cancelled();
  if (deadline_armed()) throw_if_past_deadline();
}

// Arms the process-wide deadline `seconds` from now for its lifetime (one at a time: a second
// one replaces the first until it ends). `cap_text` names the cap in the error, e.g.
// "10 s (--max-time)".
class ScopedDeadline {
 public:
  ScopedDeadline(double seconds, std::string cap_text);
  ~ScopedDeadline();
  ScopedDeadline(const ScopedDeadline&) = delete;
  ScopedDeadline& operator=(const ScopedDeadline&) = delete;
};

}  // namespace freelunch
