#pragma once
// Binary floating point on MPFR.
//
// `mpfrP`: P significand bits, MPFR's wide default exponent range; correctly rounded per
// operation (nearest even).
// `<format>:mpfr`: the same values rounded to an emulated format (FpFormat) after every operation
// with the format's exponent range and mpfr_subnormalize, under an MpfrRangeGuard: the reference
// ("MPFR path") that the binary64 fast path (soft_float.hpp) is tested against, and the only path
// for formats wider than that fast path allows.
//
// Each value owns its mpfr_t (RAII) at the context's precision; the precision is never taken from
// MPFR's default.
#include <mpfr.h>

#include <optional>
#include <string>
#include <utility>

#include "arith/errors.hpp"
#include "arith/flags.hpp"
#include "arith/fp_format.hpp"
#include "arith/rational.hpp"

namespace freelunch::arith {

class MpfrArith;

class MpfrValue {
 public:
  // Values whose significand fits in kInlineLimbs limbs (113 bits and less on 64-bit limbs) keep
  // it inside the object, set up through MPFR's custom interface: creating, copying and
  // destroying them never allocates. Larger precisions live on the heap (mpfr_init2). An inline
  // variable never reaches mpfr_clear, mpfr_set_prec or mpfr_swap (MPFR manual, "Custom
  // Interface"): those are used on heap variables only, and values move by copying.
  static constexpr int kInlineLimbs = 2;

  MpfrValue() { init(MPFR_PREC_MIN); mpfr_set_zero(x_, 1); }
  MpfrValue(mpfr_prec_t prec, const MpfrArith* ctx) : ctx_(ctx) { init(prec); }
  MpfrValue(const MpfrValue& o) : ctx_(o.ctx_) {
    init(mpfr_get_prec(o.x_));
    mpfr_set(x_, o.x_, MPFR_RNDN);  // exact: same precision
  }
  MpfrValue(MpfrValue&& o) noexcept : ctx_(o.ctx_) {
    if (o.is_inline()) {
      init(mpfr_get_prec(o.x_));
      mpfr_set(x_, o.x_, MPFR_RNDN);  // exact: same precision
      return;
    }
    mpfr_init2(x_, MPFR_PREC_MIN);  // both on the heap: take o's significand
    mpfr_swap(x_, o.x_);
  }
  // Both assignments give this o's precision, value and context.
  MpfrValue& operator=(const MpfrValue& o) {
    if (this != &o) {
      set_precision(mpfr_get_prec(o.x_));
      mpfr_set(x_, o.x_, MPFR_RNDN);
      ctx_ = o.ctx_;
    }
    return *this;
  }
  MpfrValue& operator=(MpfrValue&& o) noexcept {
    if (this == &o) return *this;
    if (!is_inline() && !o.is_inline()) {
      mpfr_swap(x_, o.x_);
    } else {
      set_precision(mpfr_get_prec(o.x_));
      mpfr_set(x_, o.x_, MPFR_RNDN);
    }
    ctx_ = o.ctx_;
    return *this;
  }
  ~MpfrValue() {
    if (!is_inline()) mpfr_clear(x_);
  }

  // The value as an MPFR variable: its value may be set, never its precision or storage (no
  // mpfr_set_prec, mpfr_swap, mpfr_clear).
  mpfr_ptr get() { return x_; }
  mpfr_srcptr get() const { return x_; }
  const MpfrArith* context() const { return ctx_; }
  // True when the significand is stored inside the value (precision fits kInlineLimbs limbs).
  bool is_inline() const { return mpfr_custom_get_significand(x_) == static_cast<const void*>(limbs_); }

  friend MpfrValue operator+(const MpfrValue& a, const MpfrValue& b);
  friend MpfrValue operator-(const MpfrValue& a, const MpfrValue& b);
  friend MpfrValue operator*(const MpfrValue& a, const MpfrValue& b);
  friend MpfrValue operator/(const MpfrValue& a, const MpfrValue& b);
  friend MpfrValue operator-(const MpfrValue& a) {
    MpfrValue r(a);
    mpfr_neg(r.x_, r.x_, MPFR_RNDN);
    return r;
  }
  // In place: the same rounding and flags as *this = *this op b, without a temporary.
  MpfrValue& operator+=(const MpfrValue& b);
  MpfrValue& operator-=(const MpfrValue& b);
  MpfrValue& operator*=(const MpfrValue& b);
  friend bool operator<(const MpfrValue& a, const MpfrValue& b) { return mpfr_less_p(a.x_, b.x_); }
  friend bool operator>(const MpfrValue& a, const MpfrValue& b) { return mpfr_greater_p(a.x_, b.x_); }
  friend bool operator<=(const MpfrValue& a, const MpfrValue& b) { return mpfr_lessequal_p(a.x_, b.x_); }
  friend bool operator>=(const MpfrValue& a, const MpfrValue& b) { return mpfr_greaterequal_p(a.x_, b.x_); }
  friend bool operator==(const MpfrValue& a, const MpfrValue& b) { return mpfr_equal_p(a.x_, b.x_); }

 private:
  using BinaryFn = int (*)(mpfr_ptr, mpfr_srcptr, mpfr_srcptr, mpfr_rnd_t);

  static bool fits_inline(mpfr_prec_t prec) { return mpfr_custom_get_size(prec) <= sizeof(limbs_); }
  // Sets up x_ (not set up before, or just cleared) with precision prec; the value is NaN.
  void init(mpfr_prec_t prec) {
    if (!fits_inline(prec)) {
      mpfr_init2(x_, prec);
      return;
    }
    mpfr_custom_init(limbs_, prec);
    mpfr_custom_init_set(x_, MPFR_NAN_KIND, 0, prec, limbs_);
  }
  // Gives x_ precision prec, moving between inline and heap storage as needed; the value is NaN
  // unless the precision was already prec.
  void set_precision(mpfr_prec_t prec) {
    if (mpfr_get_prec(x_) == prec) return;
    if (!is_inline()) {
      if (!fits_inline(prec)) {
        mpfr_set_prec(x_, prec);
        return;
      }
      mpfr_clear(x_);
    }
    init(prec);
  }
  MpfrValue& update(BinaryFn f, const MpfrValue& b);

  mpfr_t x_;
  mp_limb_t limbs_[kInlineLimbs];
  const MpfrArith* ctx_ = nullptr;
};

class MpfrArith {
 public:
  using value_type = MpfrValue;
  static constexpr bool is_exact = false;
  static constexpr bool is_certified = false;

  // mpfrP: precision P bits, wide exponent range.
  explicit MpfrArith(mpfr_prec_t precision) : prec_(precision), name_("mpfr" + std::to_string(precision)), product_(prec_, this) {}
  // The MPFR path of an emulated format.
  explicit MpfrArith(FpFormat fmt)
      : prec_(fmt.precision()), format_(std::move(fmt)), name_(format_->name + ":mpfr"), product_(prec_, this) {}
  MpfrArith(const MpfrArith&) = delete;
  MpfrArith& operator=(const MpfrArith&) = delete;

  std::string name() const { return name_; }
  mpfr_prec_t precision() const { return prec_; }
  const std::optional<FpFormat>& format() const { return format_; }
  Flags flags() const { return flags_; }
  void clear_flags() const { flags_.clear(); }
  void raise(Flag f) const { flags_.raise(f); }

  // A value of this context's precision, uninitialised in value (NaN).
  MpfrValue make() const { return MpfrValue(prec_, this); }
  // q correctly rounded to P bits, or to the format; flags raised.
  MpfrValue from_rational(const Rational& q) const {
    MpfrValue r = make();
    finish(r, mpfr_set_q(r.get(), q.backend().data(), MPFR_RNDN));
    return r;
  }
  MpfrValue from_int(long k) const { return from_rational(Rational(k)); }
  Rational to_rational(const MpfrValue& x) const;  // exact; precondition: finite
  // A string that identifies the value exactly ("m*2^e", m in hex), in time linear in the
  // precision: to_rational's denominator 2^-e has |e| bits, which in MPFR's wide exponent range
  // made keying a shrinking orbit (the S1 certificate) quadratic. Precondition: finite.
  std::string exact_key(const MpfrValue& x) const;
  bool is_finite(const MpfrValue& x) const { return mpfr_number_p(x.get()) != 0; }

  // Correctly rounded (to P bits, or to the format): sqrt, e^x, natural log. log(+-0) = -inf
  // raises divbyzero, log of a negative number is NaN (invalid); flags.hpp.
  MpfrValue sqrt(const MpfrValue& x) const { return apply(mpfr_sqrt, x); }
  MpfrValue exp(const MpfrValue& x) const { return apply(mpfr_exp, x); }
  MpfrValue log(const MpfrValue& x) const {
    if (mpfr_zero_p(x.get())) raise(Flag::divbyzero);
    return apply(mpfr_log, x);
  }
  MpfrValue abs(const MpfrValue& x) const { MpfrValue r(x); mpfr_abs(r.get(), r.get(), MPFR_RNDN); return r; }
  MpfrValue max(const MpfrValue& a, const MpfrValue& b) const { return a < b ? b : a; }
  MpfrValue min(const MpfrValue& a, const MpfrValue& b) const { return b < a ? b : a; }

  // r = f(a, b) for an MPFR operation f (mpfr_add, ...), rounded to r's precision and then
  // finished (below); invalid is decided on the operation's own result, before the format's
  // rounding. r may be a or b.
  void compute(MpfrValue& r, int (*f)(mpfr_ptr, mpfr_srcptr, mpfr_srcptr, mpfr_rnd_t), const MpfrValue& a, const MpfrValue& b) const {
    const bool nan_operand = mpfr_nan_p(a.get()) || mpfr_nan_p(b.get());
    const int ternary = f(r.get(), a.get(), b.get(), MPFR_RNDN);
    if (mpfr_nan_p(r.get()) && !nan_operand) raise(Flag::invalid);
    finish(r, ternary);
  }
  // acc += x * y: the product rounded, then the sum rounded, with the flags of each, exactly as
  // the two operators; the product goes to a scratch value owned by the context instead of a
  // temporary. Used by models::dot. Factors of another context go through the operators.
  void add_product(MpfrValue& acc, const MpfrValue& x, const MpfrValue& y) const {
    if (x.context() != this) {
      acc += x * y;
      return;
    }
    compute(product_, mpfr_mul, x, y);
    acc += product_;
  }

  // out = x * y rounded as the operator does, with its flags, into out's storage (out may be x
  // or y). Used by models::dot_into. A value of another context or precision goes through the
  // operator.
  void set_product(MpfrValue& out, const MpfrValue& x, const MpfrValue& y) const {
    if (x.context() != this || out.context() != this || mpfr_get_prec(out.get()) != prec_) {
      out = x * y;
      return;
    }
    compute(out, mpfr_mul, x, y);
  }

  // Records the ternary of an operation whose p-bit result is in r; for an emulated format,
  // rounds it to the format first. For mpfrP an infinite or zero result with a nonzero ternary
  // is an overflow or underflow of MPFR's exponent range (about 2^(+-2^30): exp of a huge
  // argument).
  void finish(MpfrValue& r, int ternary) const {
    if (format_) {
      mpfr_round_to_format(r.get(), ternary, *format_, flags_);
      return;
    }
    if (ternary == 0) return;
    flags_.raise(Flag::inexact);
    if (mpfr_inf_p(r.get())) flags_.raise(Flag::overflow);
    if (mpfr_zero_p(r.get())) flags_.raise(Flag::underflow);
  }

 private:
  // invalid is decided on the operation's own result, before the format's overflow rule turns
  // an infinity into NaN (FN style), which is not an invalid operation (flags.hpp).
  template <class F>
  MpfrValue apply(F f, const MpfrValue& x) const {
    MpfrValue r = make();
    const int ternary = f(r.get(), x.get(), MPFR_RNDN);
    if (mpfr_nan_p(r.get()) && !mpfr_nan_p(x.get())) raise(Flag::invalid);
    finish(r, ternary);
    return r;
  }

  mpfr_prec_t prec_;
  std::optional<FpFormat> format_;
  std::string name_;
  mutable Flags flags_;
  mutable MpfrValue product_;  // add_product's scratch
};

inline MpfrValue binary_op(int (*f)(mpfr_ptr, mpfr_srcptr, mpfr_srcptr, mpfr_rnd_t), const MpfrValue& a, const MpfrValue& b) {
  const MpfrArith* ctx = a.context();
  MpfrValue r = ctx->make();
  ctx->compute(r, f, a, b);
  return r;
}

// A value of another precision than its context's (never made by the library) goes through the
// operator, which rounds to the context's precision.
inline MpfrValue& MpfrValue::update(BinaryFn f, const MpfrValue& b) {
  if (mpfr_get_prec(x_) != ctx_->precision()) return *this = binary_op(f, *this, b);
  ctx_->compute(*this, f, *this, b);
  return *this;
}

inline MpfrValue& MpfrValue::operator+=(const MpfrValue& b) { return update(mpfr_add, b); }
inline MpfrValue& MpfrValue::operator-=(const MpfrValue& b) { return update(mpfr_sub, b); }
inline MpfrValue& MpfrValue::operator*=(const MpfrValue& b) { return update(mpfr_mul, b); }

inline MpfrValue operator+(const MpfrValue& a, const MpfrValue& b) { return binary_op(mpfr_add, a, b); }
inline MpfrValue operator-(const MpfrValue& a, const MpfrValue& b) { return binary_op(mpfr_sub, a, b); }
inline MpfrValue operator*(const MpfrValue& a, const MpfrValue& b) { return binary_op(mpfr_mul, a, b); }
inline MpfrValue operator/(const MpfrValue& a, const MpfrValue& b) {
  if (mpfr_zero_p(b.get()) && mpfr_regular_p(a.get())) a.context()->raise(Flag::divbyzero);
  return binary_op(mpfr_div, a, b);
}

}  // namespace freelunch::arith
