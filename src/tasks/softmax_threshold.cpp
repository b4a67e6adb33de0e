#include "tasks/softmax_threshold.hpp"

#include <cstdio>

#include "arith/errors.hpp"
#include "arith/scoped_mpfr.hpp"
#include "core/deviation.hpp"

namespace freelunch::tasks {
namespace {

// A decimal rendering of q with `digits` significant digits, rounded in direction `rnd`: the
// printed enclosure stays an enclosure.
std::string decimal(const Rational& q, int digits, mpfr_rnd_t rnd) {
  arith::ScopedMpfr x(128);
  mpfr_set_q(x.get(), q.backend().data(), rnd);
  char buffer[96];
  mpfr_snprintf(buffer, sizeof buffer, rnd == MPFR_RNDD ? "%.*RDg" : "%.*RUg", digits, x.get());
  return buffer;
}

}  // namespace

Rational gap_threshold_argument(std::uint64_t length, const Rational& eps) {
  if (length < 2) throw UsageError("the gap threshold needs L >= 2");
  if (eps <= 0 || eps >= 1) throw UsageError("the gap threshold needs 0 < eps < 1, got " + eps.str());
  return Rational(static_cast<unsigned long>(length - 1)) * (1 - eps) / eps;
}

std::string ThresholdCertificate::describe() const {
  auto word = [](const arith::Tribool& t) { return t.is_true() ? "certified" : t.is_false() ? "refuted" : "undecided"; };
  return "Delta* in [" + decimal(lower, 12, MPFR_RNDD) + ", " + decimal(upper, 12, MPFR_RNDU) + "] (width " +
         short_decimal(upper - lower) + "); w >= 1-eps above: " + word(succeeds_above) + ", w < 1-eps below: " +
         word(fails_below);
}

ThresholdCertificate certify_gap_threshold(const arith::IntervalArith& ar, std::uint64_t length, const Rational& eps,
                                           const Rational& above_offset, const Rational& below_offset) {
  ThresholdCertificate c;
  c.length = length;
  c.eps = eps;
  const arith::Interval threshold = gap_threshold(ar, length, eps);
  c.lower = ar.lower(threshold);
  c.upper = ar.upper(threshold);
  c.above = c.upper + above_offset;
  c.below = c.lower - below_offset;
  const arith::Interval target = ar.from_rational(1 - eps);
  c.succeeds_above = target_weight(ar, length, c.above) >= target;
  c.fails_below = target_weight(ar, length, c.below) < target;
  return c;
}

}  // namespace freelunch::tasks
