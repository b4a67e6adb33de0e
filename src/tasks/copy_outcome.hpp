#pragma once
// Whether a layer copies, per arithmetic: the criterion (decoded COPY for integer values,
// round(y_i) = u_pos(i); or ε-COPY, |y_i - u_pos(i)| <= ε) and the outcome with the first failing
// output and value, never hidden.
#include <optional>
#include <string>

#include "arith/rational.hpp"
#include "arith/tribool.hpp"

namespace freelunch::tasks {

struct CopyCriterion {
  enum class Kind { decoded, epsilon };
  Kind kind = Kind::decoded;
  Rational eps = 0;
  std::string name() const { return kind == Kind::decoded ? "decoded" : "eps=" + eps.str(); }
  // The largest admissible |y - v|: strictly below 1/2 for decoded (a tie is a failure).
  bool admits(const Rational& error) const { return kind == Kind::decoded ? error < Rational(1, 2) : error <= eps; }
};

struct CopyOutcome {
  enum class State { copies, fails, undecided };  // undecided: an interval straddles the limit
  State state = State::copies;
  std::optional<std::size_t> first_failure;  // index into schedule.outputs
  std::optional<Rational> failing_value;     // the input value that fails there
  bool non_finite = false;                   // the failure is a NaN or infinity
  Rational max_error = 0;                    // over finite outputs (point arithmetics)

  bool copies() const { return state == State::copies; }
  // The decision as a tri-state: true copies, false fails, unknown undecided (verdict_of maps it).
  arith::Tribool holds() const { return state == State::undecided ? arith::Tribool::unknown() : arith::Tribool(copies()); }
  // "copies", "fails at output 17 (value -1): non-finite", ...
  std::string describe() const;
};

}  // namespace freelunch::tasks
