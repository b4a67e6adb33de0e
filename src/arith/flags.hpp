#pragma once
// Sticky IEEE-754 exception flags, kept in an arithmetic context (MPFR manual, "Exceptions").
//
// inexact    the rounded result differs from the exact one
// underflow  inexact and tiny: the result rounded to the format's precision with an unbounded
//            exponent range has magnitude below the smallest normal (tininess after rounding,
//            as x86 SSE and MPFR's mpfr_subnormalize context detect it)
// overflow   the result rounded with an unbounded exponent exceeds the largest finite value
//            (always with inexact)
// divbyzero  an exact infinite result from finite operands: finite nonzero / 0, log(0)
// invalid    an operation without a value on non-NaN operands (0/0, inf - inf, 0 * inf,
//            sqrt(-1), log(-1)); its result is NaN
//
// A format without infinities (OCP FN style, fp_format.hpp) returns NaN for an overflow or a
// division by zero; that NaN is reported as overflow or divbyzero only, not as invalid, so that
// each flag names one cause. A NaN operand propagates without raising anything.
#include <string>

namespace freelunch::arith {

enum class Flag : unsigned {
  inexact = 1u,
  underflow = 2u,
  overflow = 4u,
  divbyzero = 8u,
  invalid = 16u,
};

class Flags {
 public:
  void raise(Flag f) { bits_ |= static_cast<unsigned>(f); }
  // Raises f when `condition` holds, without a branch.
  void raise_if(Flag f, bool condition) { bits_ |= static_cast<unsigned>(f) * static_cast<unsigned>(condition); }
  void raise_all(Flags other) { bits_ |= other.bits_; }
  bool test(Flag f) const { return (bits_ & static_cast<unsigned>(f)) != 0; }
  unsigned bits() const { return bits_; }
  void clear() { bits_ = 0; }
  bool operator==(const Flags&) const = default;

  // "inexact,overflow" or "none".
  std::string to_string() const {
    static const char* const names[] = {"inexact", "underflow", "overflow", "divbyzero", "invalid"};
    std::string out;
    for (unsigned i = 0; i < 5; ++i) {
      if ((bits_ & (1u << i)) == 0) continue;
      if (!out.empty()) out += ',';
      out += names[i];
    }
    return out.empty() ? "none" : out;
  }

 private:
  unsigned bits_ = 0;
};

}  // namespace freelunch::arith
