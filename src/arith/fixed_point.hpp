#pragma once
// Fixed point fixI.F: two's complement words of I + F bits (I integer bits including the sign,
// F fraction bits), value = raw / 2^F, range [-2^(I-1), 2^(I-1) - 2^-F].
// Every operation computes the exact result and rounds once to a multiple of 2^-F, nearest with
// ties to even; results beyond the range saturate to the nearest end (overflow flag).
// x / 0 saturates to the end of x's sign (divbyzero flag); 0 / 0 gives 0 (invalid flag).
// A nonzero exact result that rounds to 0 raises underflow. 1 <= I, 0 <= F, I + F <= 62.
// sqrt, exp and log are correctly rounded the same way (exp and log through a Ziv loop on MPFR).
#include <mpfr.h>

#include <cstdint>
#include <string>

#include "arith/flags.hpp"
#include "arith/rational.hpp"

namespace freelunch::arith {

struct FixedFormat {
  int int_bits = 16;
  int frac_bits = 16;
  std::string name() const { return "fix" + std::to_string(int_bits) + "." + std::to_string(frac_bits); }
  std::int64_t max_raw() const { return (std::int64_t{1} << (int_bits + frac_bits - 1)) - 1; }
  std::int64_t min_raw() const { return -(std::int64_t{1} << (int_bits + frac_bits - 1)); }
  Rational max_value() const { return Rational(max_raw()) * pow2(-frac_bits); }
  Rational resolution() const { return pow2(-frac_bits); }
};

class FixedArith;

class Fixed {
 public:
  Fixed() = default;
  Fixed(std::int64_t raw, const FixedArith* ctx) : raw_(raw), ctx_(ctx) {}
  std::int64_t raw() const { return raw_; }
  const FixedArith* context() const { return ctx_; }

  friend Fixed operator+(const Fixed& a, const Fixed& b);
  friend Fixed operator-(const Fixed& a, const Fixed& b);
  friend Fixed operator*(const Fixed& a, const Fixed& b);
  friend Fixed operator/(const Fixed& a, const Fixed& b);
  friend Fixed operator-(const Fixed& a);
  Fixed& operator+=(const Fixed& b) { return *this = *this + b; }
  Fixed& operator-=(const Fixed& b) { return *this = *this - b; }
  Fixed& operator*=(const Fixed& b) { return *this = *this * b; }
  friend bool operator<(const Fixed& a, const Fixed& b) { return a.raw_ < b.raw_; }
  friend bool operator>(const Fixed& a, const Fixed& b) { return a.raw_ > b.raw_; }
  friend bool operator<=(const Fixed& a, const Fixed& b) { return a.raw_ <= b.raw_; }
  friend bool operator>=(const Fixed& a, const Fixed& b) { return a.raw_ >= b.raw_; }
  friend bool operator==(const Fixed& a, const Fixed& b) { return a.raw_ == b.raw_; }

 private:
  std::int64_t raw_ = 0;
  const FixedArith* ctx_ = nullptr;
};

class FixedArith {
 public:
  using value_type = Fixed;
  static constexpr bool is_exact = false;
  static constexpr bool is_certified = false;

  explicit FixedArith(FixedFormat fmt);
  FixedArith(const FixedArith&) = delete;
  FixedArith& operator=(const FixedArith&) = delete;

  std::string name() const { return fmt_.name(); }
  const FixedFormat& format() const { return fmt_; }
  Flags flags() const { return flags_; }
  void clear_flags() const { flags_.clear(); }

  // q rounded to the nearest multiple of 2^-F (ties to even) and saturated; flags raised.
  Fixed from_rational(const Rational& q) const;
  Fixed from_int(long k) const { return from_rational(Rational(k)); }
  Rational to_rational(const Fixed& x) const { return Rational(x.raw()) * pow2(-fmt_.frac_bits); }
  bool is_finite(const Fixed&) const { return true; }
  // sqrt(x) rounded to nearest (never a tie), saturated; x < 0 gives 0 (invalid flag).
  Fixed sqrt(const Fixed& x) const;
  // e^x and the natural log rounded to the nearest multiple of 2^-F (never a tie: for x != 0,
  // resp. x != 1, the value is transcendental) and saturated. log(0) = -inf saturates to the
  // lower end (divbyzero flag); log(x < 0) gives 0 (invalid flag). Algorithm: a Ziv loop, see
  // fixed_point.cpp.
  Fixed exp(const Fixed& x) const;
  Fixed log(const Fixed& x) const;
  Fixed abs(const Fixed& x) const { return x.raw() < 0 ? -x : x; }
  Fixed max(const Fixed& a, const Fixed& b) const { return a < b ? b : a; }
  Fixed min(const Fixed& a, const Fixed& b) const { return b < a ? b : a; }

  // Rounds num / 2^shift (exact 128-bit integer) to nearest even, then saturates.
  Fixed round_shift(__int128 num, int shift) const;
  // Rounds num / den (den > 0) to nearest even, then saturates.
  Fixed round_div(__int128 num, __int128 den) const;
  Fixed saturate(__int128 raw, bool inexact, bool nonzero_exact) const;
  void raise(Flag f) const { flags_.raise(f); }

 private:
  Fixed round_transcendental(int (*f)(mpfr_ptr, mpfr_srcptr, mpfr_rnd_t), const Fixed& x) const;

  FixedFormat fmt_;
  mutable Flags flags_;
};

}  // namespace freelunch::arith
