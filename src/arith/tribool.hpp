#pragma once
// The verdict type of certified arithmetic (CGAL's Uncertain<bool>): a comparison of intervals is
// true, false, or unknown when they overlap. It never converts silently to bool: callers ask
// is_true() / is_false() / is_unknown(), or certain() which throws on unknown.
#include <stdexcept>
#include <string>

namespace freelunch::arith {

class Tribool {
 public:
  enum class State { false_, true_, unknown };
  constexpr explicit Tribool(bool b) : s_(b ? State::true_ : State::false_) {}
  static constexpr Tribool unknown() { return Tribool(State::unknown); }

  constexpr bool is_true() const { return s_ == State::true_; }
  constexpr bool is_false() const { return s_ == State::false_; }
  constexpr bool is_unknown() const { return s_ == State::unknown; }
  constexpr State state() const { return s_; }
  // The decided value; a logic error to ask when unknown.
  bool certain() const {
    if (is_unknown()) throw std::logic_error("an interval comparison is undecided (intervals overlap)");
    return is_true();
  }
  friend constexpr Tribool operator&&(Tribool a, Tribool b) {
    if (a.is_false() || b.is_false()) return Tribool(false);
    if (a.is_true() && b.is_true()) return Tribool(true);
    return unknown();
  }
  friend constexpr Tribool operator!(Tribool a) {
    return a.is_unknown() ? a : Tribool(!a.is_true());
  }
  constexpr bool operator==(const Tribool&) const = default;
  std::string to_string() const { return is_true() ? "true" : is_false() ? "false" : "unknown"; }

 private:
  constexpr explicit Tribool(State s) : s_(s) {}
  State s_;
};

}  // namespace freelunch::arith
