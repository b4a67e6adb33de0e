#include "raw_loops.hpp"

#include <bit>
#include <cfenv>
#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "arith/flags.hpp"

namespace freelunch::bench {
namespace detail {

MpqArray::MpqArray(std::size_t size) : v_(size) {
  for (auto& x : v_) mpq_init(&x);
}
MpqArray::~MpqArray() {
  for (auto& x : v_) mpq_clear(&x);
}

MpzArray::MpzArray(std::size_t size) : v_(size) {
  for (auto& x : v_) mpz_init(&x);
}
MpzArray::~MpzArray() {
  for (auto& x : v_) mpz_clear(&x);
}

MpfrArray::MpfrArray(std::size_t size, mpfr_prec_t precision) : v_(size) {
  for (auto& x : v_) mpfr_init2(&x, precision);
}
MpfrArray::~MpfrArray() {
  for (auto& x : v_) mpfr_clear(&x);
}

}  // namespace detail

namespace {

// m 2^e = q; precondition: q dyadic.
void set_dyadic(mpz_ptr m, long& e, const Rational& q) {
  mpz_srcptr den = mpq_denref(q.backend().data());
  const std::size_t zeros = mpz_scan1(den, 0);
  if (mpz_sizeinbase(den, 2) != zeros + 1) throw std::invalid_argument("RawDyadicScan: value is not dyadic");
  mpz_set(m, mpq_numref(q.backend().data()));
  e = -static_cast<long>(zeros);
}

Rational dyadic_value(mpz_srcptr m, long e) {
  Rational q;
  mpq_set_z(q.backend().data(), m);
  if (e < 0) {
    mpq_div_2exp(q.backend().data(), q.backend().data(), static_cast<mp_bitcnt_t>(-e));
  } else {
    mpq_mul_2exp(q.backend().data(), q.backend().data(), static_cast<mp_bitcnt_t>(e));
  }
  return q;
}

// (dm, de) = (xm, xe) + (ym, ye), shifting the operand with the larger exponent (as
// arith::Dyadic does). xm or ym is overwritten; dm must not alias either.
void add_aligned(mpz_ptr dm, long& de, mpz_ptr xm, long xe, mpz_ptr ym, long ye) {
  if (xe < ye) {
    mpz_mul_2exp(ym, ym, static_cast<mp_bitcnt_t>(ye - xe));
    de = xe;
  } else {
    if (xe > ye) mpz_mul_2exp(xm, xm, static_cast<mp_bitcnt_t>(xe - ye));
    de = ye;
  }
  mpz_add(dm, xm, ym);
}

}  // namespace

// --- GMP rationals --------------------------------------------------------------------------

RawMpqScan::RawMpqScan(const ScanInstance& inst)
    : length_(inst.params.length), state_(inst.params.state), a_(length_ * state_), b_(length_ * state_),
      c_(length_ * state_), u_(length_), h_(state_), y_(length_), tmp_(2) {
  for (std::size_t i = 0; i < length_ * state_; ++i) {
    mpq_set(a_[i], inst.params.a[i].backend().data());
    mpq_set(b_[i], inst.params.b[i].backend().data());
    mpq_set(c_[i], inst.params.c[i].backend().data());
  }
  for (std::size_t t = 0; t < length_; ++t) mpq_set(u_[t], inst.u[t].backend().data());
}

void RawMpqScan::run() {
  const std::size_t n = state_;
  mpq_ptr t1 = tmp_[0];
  mpq_ptr t2 = tmp_[1];
  for (std::size_t s = 0; s < n; ++s) mpq_set_ui(h_[s], 0, 1);
  for (std::size_t t = 0; t < length_; ++t) {
    const std::size_t row = t * n;
    for (std::size_t s = 0; s < n; ++s) {
      mpq_mul(t1, a_[row + s], h_[s]);
      mpq_mul(t2, b_[row + s], u_[t]);
      mpq_add(h_[s], t1, t2);
    }
    mpq_ptr acc = y_[t];
    mpq_mul(acc, c_[row], h_[0]);
    for (std::size_t s = 1; s < n; ++s) {
      mpq_mul(t1, c_[row + s], h_[s]);
      mpq_add(acc, acc, t1);
    }
  }
}

ScanOutputs RawMpqScan::outputs() const {
  ScanOutputs out{std::vector<Rational>(length_), std::vector<bool>(length_, false), std::nullopt};
  for (std::size_t t = 0; t < length_; ++t) mpq_set(out.value[t].backend().data(), y_[t]);
  return out;
}

// --- dyadic, no normalisation ---------------------------------------------------------------

RawDyadicScan::RawDyadicScan(const ScanInstance& inst)
    : length_(inst.params.length), state_(inst.params.state), am_(length_ * state_), bm_(length_ * state_),
      cm_(length_ * state_), um_(length_), hm_(state_), ym_(length_), tmp_(2), ae_(length_ * state_),
      be_(length_ * state_), ce_(length_ * state_), ue_(length_), he_(state_), ye_(length_) {
  for (std::size_t i = 0; i < length_ * state_; ++i) {
    set_dyadic(am_[i], ae_[i], inst.params.a[i]);
    set_dyadic(bm_[i], be_[i], inst.params.b[i]);
    set_dyadic(cm_[i], ce_[i], inst.params.c[i]);
  }
  for (std::size_t t = 0; t < length_; ++t) set_dyadic(um_[t], ue_[t], inst.u[t]);
}

void RawDyadicScan::run() {
  const std::size_t n = state_;
  mpz_ptr t1 = tmp_[0];
  mpz_ptr t2 = tmp_[1];
  for (std::size_t s = 0; s < n; ++s) {
    mpz_set_ui(hm_[s], 0);
    he_[s] = 0;
  }
  for (std::size_t t = 0; t < length_; ++t) {
    const std::size_t row = t * n;
    for (std::size_t s = 0; s < n; ++s) {
      mpz_mul(t1, am_[row + s], hm_[s]);
      mpz_mul(t2, bm_[row + s], um_[t]);
      add_aligned(hm_[s], he_[s], t1, ae_[row + s] + he_[s], t2, be_[row + s] + ue_[t]);
    }
    mpz_ptr acc = ym_[t];
    mpz_mul(acc, cm_[row], hm_[0]);
    long acc_e = ce_[row] + he_[0];
    for (std::size_t s = 1; s < n; ++s) {
      mpz_mul(t1, cm_[row + s], hm_[s]);
      const long e1 = ce_[row + s] + he_[s];
      if (e1 < acc_e) {
        mpz_mul_2exp(acc, acc, static_cast<mp_bitcnt_t>(acc_e - e1));
        acc_e = e1;
      } else if (e1 > acc_e) {
        mpz_mul_2exp(t1, t1, static_cast<mp_bitcnt_t>(e1 - acc_e));
      }
      mpz_add(acc, acc, t1);
    }
    ye_[t] = acc_e;
  }
}

ScanOutputs RawDyadicScan::outputs() const {
  ScanOutputs out{{}, std::vector<bool>(length_, false), std::nullopt};
  out.value.reserve(length_);
  for (std::size_t t = 0; t < length_; ++t) out.value.push_back(dyadic_value(ym_[t], ye_[t]));
  return out;
}

// --- MPFR -----------------------------------------------------------------------------------

RawMpfrScan::RawMpfrScan(const ScanInstance& inst, mpfr_prec_t precision)
    : length_(inst.params.length), state_(inst.params.state), a_(length_ * state_, precision),
      b_(length_ * state_, precision), c_(length_ * state_, precision), u_(length_, precision), h_(state_, precision),
      y_(length_, precision), tmp_(2, precision) {
  for (std::size_t i = 0; i < length_ * state_; ++i) {
    mpfr_set_q(a_[i], inst.params.a[i].backend().data(), MPFR_RNDN);
    mpfr_set_q(b_[i], inst.params.b[i].backend().data(), MPFR_RNDN);
    mpfr_set_q(c_[i], inst.params.c[i].backend().data(), MPFR_RNDN);
  }
  for (std::size_t t = 0; t < length_; ++t) mpfr_set_q(u_[t], inst.u[t].backend().data(), MPFR_RNDN);
}

void RawMpfrScan::run() {
  const std::size_t n = state_;
  mpfr_ptr t1 = tmp_[0];
  mpfr_ptr t2 = tmp_[1];
  int ternaries = 0;  // nonzero once an operation was inexact
  for (std::size_t s = 0; s < n; ++s) mpfr_set_zero(h_[s], 1);
  for (std::size_t t = 0; t < length_; ++t) {
    const std::size_t row = t * n;
    for (std::size_t s = 0; s < n; ++s) {
      ternaries |= mpfr_mul(t1, a_[row + s], h_[s], MPFR_RNDN);
      ternaries |= mpfr_mul(t2, b_[row + s], u_[t], MPFR_RNDN);
      ternaries |= mpfr_add(h_[s], t1, t2, MPFR_RNDN);
    }
    mpfr_ptr acc = y_[t];
    ternaries |= mpfr_mul(acc, c_[row], h_[0], MPFR_RNDN);
    for (std::size_t s = 1; s < n; ++s) {
      ternaries |= mpfr_mul(t1, c_[row + s], h_[s], MPFR_RNDN);
      ternaries |= mpfr_add(acc, acc, t1, MPFR_RNDN);
    }
  }
  inexact_ = ternaries != 0;
}

ScanOutputs RawMpfrScan::outputs() const {
  ScanOutputs out{std::vector<Rational>(length_), std::vector<bool>(length_, false), std::nullopt};
  for (std::size_t t = 0; t < length_; ++t) {
    if (!mpfr_number_p(y_[t])) throw std::runtime_error("RawMpfrScan: output not finite");
    mpfr_get_q(out.value[t].backend().data(), y_[t]);
    out.negative_zero[t] = mpfr_zero_p(y_[t]) && mpfr_signbit(y_[t]);
  }
  out.flags = inexact_ ? static_cast<unsigned>(arith::Flag::inexact) : 0u;
  return out;
}

// --- native float ---------------------------------------------------------------------------

namespace {

float round_bf16(float x) {
  std::uint32_t bits = std::bit_cast<std::uint32_t>(x);
  if (std::isnan(x)) return x;
  bits += 0x7fffu + ((bits >> 16) & 1u);  // nearest, ties to even; a carry moves to the next binade
  return std::bit_cast<float>(bits & 0xffff0000u);
}

float round_fp16(float x) { return static_cast<float>(static_cast<_Float16>(x)); }

float to_float(const Rational& q) {
  const float f = static_cast<float>(q);
  if (Rational(f) != q) throw std::invalid_argument("FloatScan: input not exact in binary32");
  return f;
}

}  // namespace

FloatScan::FloatScan(const ScanInstance& inst, FloatRounding rounding)
    : length_(inst.params.length), state_(inst.params.state), rounding_(rounding), h_(state_), y_(length_) {
  for (std::size_t i = 0; i < length_ * state_; ++i) {
    a_.push_back(to_float(inst.params.a[i]));
    b_.push_back(to_float(inst.params.b[i]));
    c_.push_back(to_float(inst.params.c[i]));
  }
  for (std::size_t t = 0; t < length_; ++t) u_.push_back(to_float(inst.u[t]));
  if (rounding == FloatRounding::none) return;
  // The inputs must already be format values, or the baseline would round them differently.
  const auto check = [&](const std::vector<float>& xs) {
    for (float x : xs) {
      const float r = rounding == FloatRounding::fp16 ? round_fp16(x) : round_bf16(x);
      if (r != x) throw std::invalid_argument("FloatScan: input not exact in the emulated format");
    }
  };
  check(a_);
  check(b_);
  check(c_);
  check(u_);
}

template <class Round>
void FloatScan::run_with(Round round) {
  const std::size_t n = state_;
  float* h = h_.data();
  for (std::size_t s = 0; s < n; ++s) h[s] = 0.0f;
  for (std::size_t t = 0; t < length_; ++t) {
    const float* a = a_.data() + t * n;
    const float* b = b_.data() + t * n;
    const float* c = c_.data() + t * n;
    const float ut = u_[t];
    for (std::size_t s = 0; s < n; ++s) h[s] = round(round(a[s] * h[s]) + round(b[s] * ut));
    float acc = round(c[0] * h[0]);
    for (std::size_t s = 1; s < n; ++s) acc = round(acc + round(c[s] * h[s]));
    y_[t] = acc;
  }
}

namespace {

// The hardware's sticky flags as arith::Flags bits.
unsigned fenv_flags() {
  const int raised = std::fetestexcept(FE_ALL_EXCEPT);
  unsigned bits = 0;
  const auto add = [&](int fe, arith::Flag f) {
    if (raised & fe) bits |= static_cast<unsigned>(f);
  };
  add(FE_INEXACT, arith::Flag::inexact);
  add(FE_UNDERFLOW, arith::Flag::underflow);
  add(FE_OVERFLOW, arith::Flag::overflow);
  add(FE_DIVBYZERO, arith::Flag::divbyzero);
  add(FE_INVALID, arith::Flag::invalid);
  return bits;
}

}  // namespace

void FloatScan::run() {
  switch (rounding_) {
    case FloatRounding::none:
      std::feclearexcept(FE_ALL_EXCEPT);
      run_with([](float x) { return x; });
      flags_ = fenv_flags();
      break;
    case FloatRounding::fp16: run_with(round_fp16); break;
    case FloatRounding::bf16: run_with(round_bf16); break;
  }
}

ScanOutputs FloatScan::outputs() const {
  ScanOutputs out{{}, std::vector<bool>(length_, false), std::nullopt};
  out.value.reserve(length_);
  for (std::size_t t = 0; t < length_; ++t) {
    if (!std::isfinite(y_[t])) throw std::runtime_error("FloatScan: output not finite");
    out.value.push_back(rational_from_double(y_[t]));
    out.negative_zero[t] = y_[t] == 0.0f && std::signbit(y_[t]);
  }
  if (rounding_ == FloatRounding::none) out.flags = flags_;
  return out;
}

// --- hand-written emulation in binary64 -----------------------------------------------------

namespace {

constexpr std::uint64_t kSignBit = 1ull << 63;
constexpr unsigned kInexact = static_cast<unsigned>(arith::Flag::inexact);
constexpr unsigned kUnderflow = static_cast<unsigned>(arith::Flag::underflow);
constexpr unsigned kOverflow = static_cast<unsigned>(arith::Flag::overflow);

// The pattern of a finite |x| rounded to nearest even at bit `drop` (unbounded exponent; a carry
// moves to the next binade; 0 stays 0).
inline std::uint64_t round_pattern(std::uint64_t mag, int drop) {
  const std::uint64_t mask = (1ull << drop) - 1;
  return (mag + (mask >> 1) + ((mag >> drop) & 1u)) & ~mask;
}

// The careful rounding, every case (no infinities or NaN arise in the benchmark instance): used
// to redo a time step in which the fast rounding met a subnormal or overflowing result.
double round_careful(double x, bool exact, const HandEmulationScan::Format& f, unsigned& flags) {
  if (x == 0 || !std::isfinite(x)) return x;
  const std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
  const double unbounded = std::bit_cast<double>(round_pattern(bits & ~kSignBit, 52 - f.man_bits) | (bits & kSignBit));
  if (std::fabs(unbounded) > f.max_finite) {
    flags |= kOverflow | kInexact;
    return std::copysign(INFINITY, x);
  }
  if (std::fabs(x) >= f.min_normal) {
    if (unbounded != x || !exact) flags |= kInexact;
    return unbounded;
  }
  // Subnormal: round to the fixed quantum (x / quantum is exact; nearbyint rounds to nearest even).
  const double quantum = std::ldexp(1.0, f.emin_normal - f.man_bits);
  const double r = std::nearbyint(x / quantum) * quantum;
  if (r != x || !exact) {
    flags |= kInexact;
    if (std::fabs(unbounded) < f.min_normal) flags |= kUnderflow;  // tininess after rounding
  }
  return r;
}

// The fast rounding, free of data-dependent branches and of 64-bit compares (SSE2 has none), so
// that loops over the state vectorize: it assumes a zero or a result in the format's normal
// binades, and records in the sign bit of `unusual` when that was wrong (a biased exponent below
// the format's normal range before rounding, or above its top binade after rounding); discarded
// bits and TwoSum errors are OR-ed into `lost` (inexact iff nonzero). IEEE formats only: their
// top binade holds no NaN pattern.
struct FastRounder {
  int drop;
  std::int64_t min_biased, max_biased;

  double operator()(double x, std::uint64_t& lost, std::uint64_t& unusual) const {
    const std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
    const std::uint64_t mag = bits & ~kSignBit;
    lost |= mag & ((1ull << drop) - 1);
    const std::uint64_t rounded = round_pattern(mag, drop);
    const std::uint64_t nonzero = (((mag - 1) >> 63) - 1);  // all ones unless mag == 0
    const std::int64_t below = static_cast<std::int64_t>(mag >> 52) - min_biased;
    const std::int64_t above = max_biased - static_cast<std::int64_t>(rounded >> 52);
    unusual |= static_cast<std::uint64_t>(below | above) & nonzero;
    return std::bit_cast<double>(rounded | (bits & kSignBit));
  }
  // TwoSum (Knuth): the rounding error of s = RN(a + b), exactly; its magnitude bits go to `lost`.
  static void note_sum_error(double a, double b, double s, std::uint64_t& lost) {
    const double bb = s - a;
    const double err = (a - (s - bb)) + (b - bb);
    lost |= std::bit_cast<std::uint64_t>(err) & ~kSignBit;
  }
};

double to_double(const Rational& q) {
  const double d = static_cast<double>(q);
  if (Rational(d) != q) throw std::invalid_argument("HandEmulationScan: input not exact in binary64");
  return d;
}

}  // namespace

HandEmulationScan::HandEmulationScan(const ScanInstance& inst, int exp_bits, int man_bits)
    : length_(inst.params.length), state_(inst.params.state), h_(state_), y_(length_) {
  const int bias = (1 << (exp_bits - 1)) - 1;
  fmt_ = {man_bits, 1 - bias, bias, std::ldexp(2.0 - std::ldexp(1.0, -man_bits), bias), std::ldexp(1.0, 1 - bias)};
  if (2 * (man_bits + 1) + 2 > 53 || 2 * (bias + 1) > 1023)
    throw std::invalid_argument("HandEmulationScan: format outside the binary64 fast path");
  for (std::size_t i = 0; i < length_ * state_; ++i) {
    a_.push_back(to_double(inst.params.a[i]));
    b_.push_back(to_double(inst.params.b[i]));
    c_.push_back(to_double(inst.params.c[i]));
  }
  for (std::size_t t = 0; t < length_; ++t) u_.push_back(to_double(inst.u[t]));
}

// Each time step runs on the fast rounding first (products of two format values are exact in
// binary64: at most 2p <= 50 bits, normal); if it met an unusual result, the step is redone from
// the saved state with the careful rounding. Flags are merged only from the step that counts.
void HandEmulationScan::run() {
  const Format f = fmt_;
  const FastRounder fast{52 - f.man_bits, 1023 + f.emin_normal, 1023 + f.emax};
  const std::size_t n = state_;
  double* h = h_.data();
  std::vector<double> saved(n), products(n);
  unsigned flags = 0;
  for (std::size_t s = 0; s < n; ++s) h[s] = 0.0;
  for (std::size_t t = 0; t < length_; ++t) {
    const double* a = a_.data() + t * n;
    const double* b = b_.data() + t * n;
    const double* c = c_.data() + t * n;
    const double ut = u_[t];
    std::uint64_t lost = 0, unusual = 0;
    for (std::size_t s = 0; s < n; ++s) saved[s] = h[s];
    for (std::size_t s = 0; s < n; ++s) {
      const double p = fast(a[s] * h[s], lost, unusual);
      const double q = fast(b[s] * ut, lost, unusual);
      const double sum = p + q;
      FastRounder::note_sum_error(p, q, sum, lost);
      h[s] = fast(sum, lost, unusual);
    }
    for (std::size_t s = 0; s < n; ++s) products[s] = fast(c[s] * h[s], lost, unusual);
    double acc = products[0];
    for (std::size_t s = 1; s < n; ++s) {
      const double sum = acc + products[s];
      FastRounder::note_sum_error(acc, products[s], sum, lost);
      acc = fast(sum, lost, unusual);
    }
    if ((unusual >> 63) == 0) [[likely]] {
      if (lost != 0) flags |= kInexact;
      y_[t] = acc;
      continue;
    }
    // The careful step: the same operations in the same order.
    const auto add = [&](double x, double y) {
      const double sum = x + y;
      std::uint64_t err = 0;
      FastRounder::note_sum_error(x, y, sum, err);
      return round_careful(sum, err == 0, f, flags);
    };
    for (std::size_t s = 0; s < n; ++s)
      h[s] = add(round_careful(a[s] * saved[s], true, f, flags), round_careful(b[s] * ut, true, f, flags));
    acc = round_careful(c[0] * h[0], true, f, flags);
    for (std::size_t s = 1; s < n; ++s) acc = add(acc, round_careful(c[s] * h[s], true, f, flags));
    y_[t] = acc;
  }
  flags_ = flags;
}

ScanOutputs HandEmulationScan::outputs() const {
  ScanOutputs out{{}, std::vector<bool>(length_, false), flags_};
  out.value.reserve(length_);
  for (std::size_t t = 0; t < length_; ++t) {
    if (!std::isfinite(y_[t])) throw std::runtime_error("HandEmulationScan: output not finite");
    out.value.push_back(rational_from_double(y_[t]));
    out.negative_zero[t] = y_[t] == 0.0 && std::signbit(y_[t]);
  }
  return out;
}

}  // namespace freelunch::bench
