#pragma once
// Emulated binary formats, fast path: every operation is computed in binary64 and rounded once
// to the format. Correctly rounded per operation in F (bit-exact with a single rounding of the
// exact result) because 53 >= 2p + 2 makes double rounding innocuous for + - * / sqrt
// (Figueroa 1995), and the format's range keeps every intermediate a normal double.
// binary64 itself is native double with flags from error-free transformations (redone on the
// significands near the bottom of the range, where those transformations lose the error).
// exp and log are correctly rounded too, through MPFR (soft_float.cpp).
// Tested bit for bit against native double/float/_Float16 and against the MPFR path
// (mpfr_arith.hpp); flags against the hardware's for fp32 and fp64.
#include <bit>
#include <cmath>
#include <cstdint>
#include <string>

#include "arith/errors.hpp"
#include "arith/flags.hpp"
#include "arith/fp_format.hpp"
#include "arith/rational.hpp"

namespace freelunch::arith {

class SoftFloatArith;

// A value of an emulated format; it points at its context (format and sticky flags), which must
// outlive it.
class SoftFloat {
 public:
  SoftFloat() = default;
  SoftFloat(double v, const SoftFloatArith* ctx) : v_(v), ctx_(ctx) {}
  double value() const { return v_; }  // the exact value, as a double
  const SoftFloatArith* context() const { return ctx_; }

  friend SoftFloat operator+(const SoftFloat& a, const SoftFloat& b);
  friend SoftFloat operator-(const SoftFloat& a, const SoftFloat& b);
  friend SoftFloat operator*(const SoftFloat& a, const SoftFloat& b);
  friend SoftFloat operator/(const SoftFloat& a, const SoftFloat& b);
  friend SoftFloat operator-(const SoftFloat& a) { return {-a.v_, a.ctx_}; }
  SoftFloat& operator+=(const SoftFloat& b) { return *this = *this + b; }
  SoftFloat& operator-=(const SoftFloat& b) { return *this = *this - b; }
  SoftFloat& operator*=(const SoftFloat& b) { return *this = *this * b; }
  friend bool operator<(const SoftFloat& a, const SoftFloat& b) { return a.v_ < b.v_; }
  friend bool operator>(const SoftFloat& a, const SoftFloat& b) { return a.v_ > b.v_; }
  friend bool operator<=(const SoftFloat& a, const SoftFloat& b) { return a.v_ <= b.v_; }
  friend bool operator>=(const SoftFloat& a, const SoftFloat& b) { return a.v_ >= b.v_; }
  friend bool operator==(const SoftFloat& a, const SoftFloat& b) { return a.v_ == b.v_; }

 private:
  double v_ = 0;
  const SoftFloatArith* ctx_ = nullptr;
};

class SoftFloatArith {
 public:
  using value_type = SoftFloat;
  static constexpr bool is_exact = false;
  static constexpr bool is_certified = false;

  explicit SoftFloatArith(FpFormat fmt)
      : fmt_(std::move(fmt)),
        binary64_(fmt_.is_binary64()),
        sums_exact_(!binary64_ && fmt_.emax() + 2 - fmt_.emin_subnormal() <= 53),
        drop_(52 - fmt_.man_bits),
        normal_biased_min_(static_cast<std::uint64_t>(fmt_.emin_normal() + 1023)),
        max_finite_bits_(std::bit_cast<std::uint64_t>(fmt_.max_finite_double)) {
    if (!fmt_.fits_double_fast_path() && !binary64_)
      throw UsageError("format " + fmt_.name + " does not fit the binary64 fast path; use its MPFR path");
  }
  SoftFloatArith(const SoftFloatArith&) = delete;  // values point at their context
  SoftFloatArith& operator=(const SoftFloatArith&) = delete;

  std::string name() const { return fmt_.name; }
  const FpFormat& format() const { return fmt_; }
  Flags flags() const { return flags_; }
  void clear_flags() const { flags_.clear(); }
  // Raises a sticky flag (batched kernels that track flags themselves, soft_float_scan.hpp).
  void raise(Flag f) const { flags_.raise(f); }

  // q rounded once to the format (nearest even, subnormals, the overflow rule of fp_format.hpp);
  // correctly rounded, flags raised.
  SoftFloat from_rational(const Rational& q) const {
    return {round_rational_to_double_format(q, fmt_, flags_), this};
  }
  SoftFloat from_int(long k) const { return from_rational(Rational(k)); }
  // The exact value. Precondition: finite (see is_finite).
  Rational to_rational(const SoftFloat& x) const { return rational_from_double(x.value()); }
  bool is_finite(const SoftFloat& x) const { return std::isfinite(x.value()); }

  // Correctly rounded square root; sqrt(-0) = -0, sqrt of a negative number is NaN (invalid).
  SoftFloat sqrt(const SoftFloat& x) const;
  // e^x and the natural log, correctly rounded per operation in F: MPFR computes them correctly
  // rounded to p bits in its wide exponent range, and mpfr_round_to_format rounds once more
  // with the ternary (no double rounding). log(+-0) = -inf (divbyzero), log(x < 0) = NaN
  // (invalid); in an FN-style format overflow and -inf give NaN (flags.hpp).
  SoftFloat exp(const SoftFloat& x) const;
  SoftFloat log(const SoftFloat& x) const;
  SoftFloat abs(const SoftFloat& x) const { return {std::fabs(x.value()), this}; }
  SoftFloat max(const SoftFloat& a, const SoftFloat& b) const { return a < b ? b : a; }
  SoftFloat min(const SoftFloat& a, const SoftFloat& b) const { return b < a ? b : a; }

  bool is_binary64() const { return binary64_; }
  // True when the binary64 sum of two values of the format is always exact: they are multiples
  // of 2^emin_subnormal below 2^(emax+1) in magnitude, so their sum is k 2^emin_subnormal with
  // |k| < 2^(emax + 2 - emin_subnormal) <= 2^53 (fp16, e5m2, e4m3; not bf16 or fp32). The sum
  // then needs no error-free transformation.
  bool sums_exact() const { return sums_exact_; }

  // Rounds x, the binary64 result of an operation on values of the format, once to the format;
  // is_exact() tells whether x is the operation's exact result and is called only when the
  // rounding itself discards nothing. The same result and flags as round_double_to_format_lazy
  // (fp_format.hpp), which it calls for what it does not handle inline: inline are the results
  // in the format's normal binades that do not overflow (the pattern is rounded and one flag is
  // set without a branch on the data) and zeros (exact: a zero sum or product of format values
  // is exact); subnormal results, overflow, infinities and NaN go out of line.
  template <class IsExact>
  SoftFloat round(double x, IsExact&& is_exact) const {
    if (binary64_) return {round_double_to_format(x, is_exact(), fmt_, flags_), this};
    const std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
    const std::uint64_t mag = bits & ~kSignBit;
    // Normal in the format, and finite: emin_normal + 1023 <= biased exponent < 0x7ff.
    if ((mag >> 52) - normal_biased_min_ < 0x7ff - normal_biased_min_) [[likely]] {
      const std::uint64_t mask = (std::uint64_t{1} << drop_) - 1;
      const std::uint64_t rounded = (mag + (mask >> 1) + ((mag >> drop_) & 1)) & ~mask;
      if (rounded <= max_finite_bits_) [[likely]] {
        flags_.raise_if(Flag::inexact, (mag & mask) != 0 || !is_exact());
        return {std::bit_cast<double>(rounded | (bits & kSignBit)), this};
      }
    } else if (mag == 0) {
      return {x, this};
    }
    return {round_double_to_format_lazy(x, is_exact, fmt_, flags_), this};
  }
  // Flags for results that are NaN or infinite from finite operands.
  void note_special(double r, double a, double b, bool division) const;
  // binary64 only: the product or quotient r = RN(a op b) of finite nonzero a, b, when it lies
  // below kSmallBinary64 (or a does, for a quotient). Raises inexact and underflow by redoing the
  // operation on the significands, and returns r.
  SoftFloat finish_small_binary64(double r, double a, double b, bool division) const;
  // Below this magnitude an fma residual of a binary64 product or quotient may fall under the
  // subnormal grid (2^-1074) and vanish: the residual is a multiple of about 2^-106 |r| (product)
  // or 2^-107 |a| (quotient), so 2^-960 leaves a margin.
  static constexpr double kSmallBinary64 = 0x1p-960;

 private:
  template <class F>
  SoftFloat transcendental(F f, const SoftFloat& x) const;

  static constexpr std::uint64_t kSignBit = std::uint64_t{1} << 63;

  FpFormat fmt_;
  bool binary64_;
  bool sums_exact_;
  int drop_;                          // 52 - M: bits a normal result drops
  std::uint64_t normal_biased_min_;   // biased binary64 exponent of the format's smallest normal
  std::uint64_t max_finite_bits_;     // the pattern of max_finite_double
  mutable Flags flags_;
};

inline void SoftFloatArith::note_special(double r, double a, double b, bool division) const {
  if (std::isnan(r) && !std::isnan(a) && !std::isnan(b)) flags_.raise(Flag::invalid);
  if (std::isinf(r) && std::isfinite(a) && std::isfinite(b)) {
    flags_.raise(division && b == 0 ? Flag::divbyzero : Flag::overflow);
    if (!(division && b == 0)) flags_.raise(Flag::inexact);
  }
}

inline SoftFloat operator+(const SoftFloat& a, const SoftFloat& b) {
  const double s = a.v_ + b.v_;
  if (!std::isfinite(s)) [[unlikely]] a.ctx_->note_special(s, a.v_, b.v_, false);
  if (a.ctx_->sums_exact()) return a.ctx_->round(s, [] { return true; });
  // TwoSum (Knuth), computed before it is known to be needed: the rounding error of s is
  // exactly err, and a branch-free test is cheaper than a mispredicted lazy one.
  const double bb = s - a.v_;
  const double err = (a.v_ - (s - bb)) + (b.v_ - bb);
  const bool exact = !std::isfinite(s) || err == 0;
  return a.ctx_->round(s, [exact] { return exact; });
}

inline SoftFloat operator-(const SoftFloat& a, const SoftFloat& b) { return a + (-b); }

namespace detail {

// Finite and nonzero: the operands for which a binary64 product or quotient can be inexact.
inline bool finite_nonzero(double x) { return std::isfinite(x) && x != 0; }

}  // namespace detail

inline SoftFloat operator*(const SoftFloat& a, const SoftFloat& b) {
  const double p = a.v_ * b.v_;
  if (!std::isfinite(p)) [[unlikely]] a.ctx_->note_special(p, a.v_, b.v_, false);
  const bool binary64 = a.ctx_->is_binary64();
  if (binary64 && std::fabs(p) < SoftFloatArith::kSmallBinary64 && detail::finite_nonzero(a.v_) && detail::finite_nonzero(b.v_))
      [[unlikely]]
    return a.ctx_->finish_small_binary64(p, a.v_, b.v_, false);
  // Fast-path formats: two <= 25-bit significands make a <= 50-bit product, exact in binary64.
  return a.ctx_->round(p, [&] { return !binary64 || !std::isfinite(p) || std::fma(a.v_, b.v_, -p) == 0; });
}

inline SoftFloat operator/(const SoftFloat& a, const SoftFloat& b) {
  const double q = a.v_ / b.v_;
  if (!std::isfinite(q)) [[unlikely]] a.ctx_->note_special(q, a.v_, b.v_, true);
  if (a.ctx_->is_binary64() && (std::fabs(q) < SoftFloatArith::kSmallBinary64 || std::fabs(a.v_) < SoftFloatArith::kSmallBinary64) &&
      detail::finite_nonzero(a.v_) && detail::finite_nonzero(b.v_) && std::isfinite(q)) [[unlikely]]
    return a.ctx_->finish_small_binary64(q, a.v_, b.v_, true);
  // x / inf = 0 is exact, but its residual fma(-0, inf, x) is NaN.
  return a.ctx_->round(q, [&] { return !std::isfinite(q) || std::isinf(b.v_) || std::fma(-q, b.v_, a.v_) == 0; });
}

inline SoftFloat SoftFloatArith::sqrt(const SoftFloat& x) const {
  const double s = std::sqrt(x.value());
  if (std::isnan(s) && !std::isnan(x.value())) flags_.raise(Flag::invalid);
  return round(s, [&] {
    if (!std::isfinite(s)) return true;
    // A tiny binary64 x (down to 2^-1074) is scaled by 2^1100 (exact; sqrt scales by 2^550) so
    // that the residual x - s^2, a multiple of ulp(s)^2, stays above the subnormal grid.
    const bool tiny = x.value() < kSmallBinary64;
    const double xs = tiny ? std::ldexp(x.value(), 1100) : x.value();
    const double ss = tiny ? std::ldexp(s, 550) : s;
    return std::fma(-ss, ss, xs) == 0;
  });
}

}  // namespace freelunch::arith
