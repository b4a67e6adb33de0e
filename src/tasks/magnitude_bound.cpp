#include "tasks/magnitude_bound.hpp"

#include <mpfr.h>

#include "arith/arithmetic.hpp"
#include "arith/errors.hpp"
#include "arith/scoped_mpfr.hpp"
#include "models/storage.hpp"

namespace freelunch::tasks {
namespace {

using arith::ScopedMpfr;

// An enclosure [lo, hi] of log2 β_max, as exact rationals (the rounding is done once, here).
struct Log2Enclosure {
  Rational lo, hi;
};

Rational to_rational(mpfr_srcptr x) {
  mpq_t q;
  mpq_init(q);
  mpfr_get_q(q, x);
  Rational out(q);
  mpq_clear(q);
  return out;
}

Log2Enclosure log2_enclosure(const Rational& beta) {
  ScopedMpfr lo(256), hi(256);
  mpfr_set_q(lo.get(), beta.backend().data(), MPFR_RNDD);
  mpfr_set_q(hi.get(), beta.backend().data(), MPFR_RNDU);
  mpfr_log2(lo.get(), lo.get(), MPFR_RNDD);
  mpfr_log2(hi.get(), hi.get(), MPFR_RNDU);
  return {to_rational(lo.get()), to_rational(hi.get())};
}

// log2 of (1 - 2^-P) 2^emax, MPFR's largest finite value, enclosed.
Log2Enclosure mpfr_log2_enclosure(long precision) {
  ScopedMpfr lo(precision + 64), hi(precision + 64);
  mpfr_set_ui(lo.get(), 1, MPFR_RNDN);
  mpfr_div_2si(lo.get(), lo.get(), precision, MPFR_RNDN);
  mpfr_ui_sub(lo.get(), 1, lo.get(), MPFR_RNDN);  // 1 - 2^-P, exact at P + 64 bits
  mpfr_log2(hi.get(), lo.get(), MPFR_RNDU);
  mpfr_log2(lo.get(), lo.get(), MPFR_RNDD);
  const Rational emax(static_cast<long>(MPFR_EMAX_DEFAULT));  // the range MpfrArith and IntervalArith run in
  return {emax + to_rational(lo.get()), emax + to_rational(hi.get())};
}

}  // namespace

std::optional<long> certified_bound(const Rational& log2_beta_lo, const Rational& log2_beta_hi, long n, const Rational& a) {
  if (!(a > 0 && a < 1) || n < 1) throw UsageError("the magnitude bound needs 0 < a < 1 and n >= 1");
  for (mpfr_prec_t prec = 64; prec <= 4096; prec *= 2) {
    ScopedMpfr num_lo(prec), num_hi(prec), den_lo(prec), den_hi(prec), t(prec);
    // log2(n) + 2 log2 β, each end rounded outward.
    mpfr_set_si(t.get(), n, MPFR_RNDN);
    mpfr_log2(num_lo.get(), t.get(), MPFR_RNDD);
    mpfr_log2(num_hi.get(), t.get(), MPFR_RNDU);
    mpfr_set_q(t.get(), log2_beta_lo.backend().data(), MPFR_RNDD);
    mpfr_mul_2ui(t.get(), t.get(), 1, MPFR_RNDD);
    mpfr_add(num_lo.get(), num_lo.get(), t.get(), MPFR_RNDD);
    mpfr_set_q(t.get(), log2_beta_hi.backend().data(), MPFR_RNDU);
    mpfr_mul_2ui(t.get(), t.get(), 1, MPFR_RNDU);
    mpfr_add(num_hi.get(), num_hi.get(), t.get(), MPFR_RNDU);
    // log2(1/a) = -log2(a) > 0: its lower end from log2(a) rounded up, its upper end from down.
    mpfr_set_q(t.get(), a.backend().data(), MPFR_RNDU);
    mpfr_log2(den_lo.get(), t.get(), MPFR_RNDU);
    mpfr_set_q(t.get(), a.backend().data(), MPFR_RNDD);
    mpfr_log2(den_hi.get(), t.get(), MPFR_RNDD);
    mpfr_neg(den_lo.get(), den_lo.get(), MPFR_RNDN);
    mpfr_neg(den_hi.get(), den_hi.get(), MPFR_RNDN);
    if (mpfr_sgn(den_lo.get()) <= 0) continue;  // a within 2^-prec of 1: more bits
    // The quotient's ends (the numerator is positive for every format: β_max > 1).
    if (mpfr_sgn(num_lo.get()) < 0) return 0;
    mpfr_div(num_lo.get(), num_lo.get(), den_hi.get(), MPFR_RNDD);
    mpfr_div(num_hi.get(), num_hi.get(), den_lo.get(), MPFR_RNDU);
    mpfr_floor(num_lo.get(), num_lo.get());
    mpfr_floor(num_hi.get(), num_hi.get());
    if (mpfr_equal_p(num_lo.get(), num_hi.get())) return mpfr_get_si(num_lo.get(), MPFR_RNDN);
  }
  return std::nullopt;
}

std::string MagnitudeBound::describe() const {
  auto text = [](const std::optional<long>& b) { return b ? std::to_string(*b) : std::string("none"); };
  if (!certain) return "uncertain";
  if (bound == nominal_bound) return text(bound);
  // A stored decay of 1 explains "none"; otherwise the nominal bound says how much rounding moved it.
  return text(bound) + (stored_decay >= 1 ? "; a stored as " + stored_decay.str() : "") + "; nominal " + text(nominal_bound);
}

nlohmann::json MagnitudeBound::to_json() const {
  return {{"bound", bound ? nlohmann::json(*bound) : nlohmann::json(nullptr)},
          {"nominal_bound", nominal_bound ? nlohmann::json(*nominal_bound) : nlohmann::json(nullptr)},
          {"bound_text", describe()},
          {"stored_decay", stored_decay.str()}};
}

std::optional<MagnitudeBound> magnitude_bound(const arith::Precision& p, long n, const Rational& a, const models::RoundingSemantics& sem) {
  using namespace arith;
  if (std::holds_alternative<ExactSpec>(p.spec)) return std::nullopt;
  MagnitudeBound out{a, a, std::nullopt, true};
  Log2Enclosure log2_beta;
  if (const auto* f = std::get_if<FloatSpec>(&p.spec)) log2_beta = log2_enclosure(f->format.max_finite());
  else if (const auto* x = std::get_if<FixedSpec>(&p.spec)) log2_beta = log2_enclosure(x->format.max_value());
  else if (const auto* m = std::get_if<MpfrSpec>(&p.spec)) log2_beta = mpfr_log2_enclosure(m->precision);
  else log2_beta = mpfr_log2_enclosure(std::get<IntervalSpec>(p.spec).precision);
  // The decay as the arithmetic holds it; an interval encloses a itself.
  out.stored_decay = with_arithmetic(p, [&](const auto& ar) -> Rational {
    using A = std::decay_t<decltype(ar)>;
    if constexpr (PointArithmetic<A>) return ar.to_rational(ar.from_rational(models::through_storage(a, sem)));
    else return a;
  });
  if (a < 1) out.nominal_bound = certified_bound(log2_beta.lo, log2_beta.hi, n, a);
  if (out.stored_decay >= 1) return out;  // no magnitude limit
  if (out.stored_decay <= 0) {               // a^L = 0 for every L >= 1
    out.bound = 0;
    return out;
  }
  out.bound = out.stored_decay == a ? out.nominal_bound : certified_bound(log2_beta.lo, log2_beta.hi, n, out.stored_decay);
  out.certain = out.bound.has_value();
  return out;
}

}  // namespace freelunch::tasks
