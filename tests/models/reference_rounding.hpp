#pragma once
// Test-side reference rounding, written independently of src/arith: an exact rational rounded once
// to a binary format by MPFR alone (precision, the format's exponent range, mpfr_subnormalize), the
// "exact result, rounded once" oracle of MPFR's tests/tadd.c. The format parameters are the ones
// THEORY §1.4 lists, typed in here again rather than taken from the library's FpFormat.
#include <mpfr.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "arith/mpfr_guard.hpp"
#include "arith/rational.hpp"

namespace freelunch::testing {

// An mpfr_t owned by RAII (STYLE: never pair init/clear by hand).
class MpfrNumber {
 public:
  explicit MpfrNumber(mpfr_prec_t precision) { mpfr_init2(x_, precision); }
  ~MpfrNumber() { mpfr_clear(x_); }
  MpfrNumber(MpfrNumber&& other) noexcept {
    mpfr_init2(x_, MPFR_PREC_MIN);
    mpfr_swap(x_, other.x_);
  }
  MpfrNumber(const MpfrNumber&) = delete;
  MpfrNumber& operator=(const MpfrNumber&) = delete;
  mpfr_ptr get() { return x_; }
  mpfr_srcptr get() const { return x_; }
  // The exact value. Precondition: finite.
  Rational to_rational() const {
    Rational q;
    mpfr_get_q(q.backend().data(), x_);
    return q;
  }

 private:
  mpfr_t x_;
};

// A binary format as MPFR emulates it: precision p and, when bounded, the exponent range
// [emin, emax] of MPFR's x = 0.1b... * 2^E convention, with subnormals.
struct BinaryFormat {
  const char* name;
  long precision;
  bool bounded;
  long emin, emax;
};

inline constexpr BinaryFormat kFp32{"fp32", 24, true, -148, 128};
inline constexpr BinaryFormat kBf16{"bf16", 8, true, -132, 128};
inline constexpr BinaryFormat kFp16{"fp16", 11, true, -23, 16};
inline constexpr BinaryFormat kMpfr53{"mpfr53", 53, false, 0, 0};

struct Rounded {
  Rational value;  // meaningful when finite
  bool inexact;
  bool finite;
};

// q rounded once to f, nearest with ties to even.
inline Rounded round_once(const Rational& q, const BinaryFormat& f) {
  MpfrNumber x(f.precision);
  int ternary;
  if (f.bounded) {
    const arith::MpfrRangeGuard guard(f.emin, f.emax);
    ternary = mpfr_set_q(x.get(), q.backend().data(), MPFR_RNDN);
    ternary = mpfr_subnormalize(x.get(), ternary, MPFR_RNDN);
  } else {
    ternary = mpfr_set_q(x.get(), q.backend().data(), MPFR_RNDN);
  }
  if (!mpfr_number_p(x.get())) return {Rational(0), true, false};
  return {x.to_rational(), ternary != 0, true};
}

// f(x) rounded once to format f, for x a value of f (set exactly at 256 bits, so the function
// sees the exact x): f is mpfr_exp or mpfr_log.
inline Rounded function_once(int (*fn)(mpfr_ptr, mpfr_srcptr, mpfr_rnd_t), const Rational& x, const BinaryFormat& f) {
  MpfrNumber in(256), y(f.precision);
  if (mpfr_set_q(in.get(), x.backend().data(), MPFR_RNDN) != 0) throw std::runtime_error("argument not exact at 256 bits: " + to_string(x));
  int ternary;
  if (f.bounded) {
    const arith::MpfrRangeGuard guard(f.emin, f.emax);
    ternary = fn(y.get(), in.get(), MPFR_RNDN);
    ternary = mpfr_subnormalize(y.get(), ternary, MPFR_RNDN);
  } else {
    ternary = fn(y.get(), in.get(), MPFR_RNDN);
  }
  if (!mpfr_number_p(y.get())) return {Rational(0), true, false};
  return {y.to_rational(), ternary != 0, true};
}

// Every operation: the exact result of the operation on the (already rounded) operands, rounded
// once. Remembers whether any rounding was inexact. Overflow is not expected in the tests that use
// it and is reported as an error.
class RoundingOracle {
 public:
  explicit RoundingOracle(BinaryFormat f) : f_(f) {}
  Rational round(const Rational& q) {
    const Rounded r = round_once(q, f_);
    if (!r.finite) throw std::runtime_error("reference rounding overflowed in " + std::string(f_.name) + " at " + to_string(q));
    inexact_ = inexact_ || r.inexact;
    return r.value;
  }
  Rational add(const Rational& a, const Rational& b) { return round(a + b); }
  Rational mul(const Rational& a, const Rational& b) { return round(a * b); }
  Rational div(const Rational& a, const Rational& b) { return round(a / b); }
  Rational exp(const Rational& x) { return function(mpfr_exp, x); }
  Rational log(const Rational& x) { return function(mpfr_log, x); }
  Rational function(int (*fn)(mpfr_ptr, mpfr_srcptr, mpfr_rnd_t), const Rational& x) {
    const Rounded r = function_once(fn, x, f_);
    if (!r.finite) throw std::runtime_error("reference exp/log not finite in " + std::string(f_.name) + " at " + to_string(x));
    inexact_ = inexact_ || r.inexact;
    return r.value;
  }
  bool inexact() const { return inexact_; }
  void clear() { inexact_ = false; }
  const BinaryFormat& format() const { return f_; }

 private:
  BinaryFormat f_;
  bool inexact_ = false;
};

// The balanced summation tree: the first floor(len/2) terms, the rest, then their sum; each
// addition rounded by `add`.
template <class V, class Add>
V pairwise_sum(const std::vector<V>& xs, std::size_t lo, std::size_t hi, Add&& add) {
  if (hi - lo == 1) return xs[lo];
  const std::size_t mid = lo + (hi - lo) / 2;
  return add(pairwise_sum(xs, lo, mid, add), pairwise_sum(xs, mid, hi, add));
}

}  // namespace freelunch::testing
