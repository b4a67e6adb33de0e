#define BOOST_TEST_MODULE interval
#include "support/test_support.hpp"

#include <mpfi.h>
#include <mpfr.h>

#include <algorithm>
#include <random>

#include "arith/interval.hpp"
#include "arith/scoped_mpfr.hpp"
#include "float_oracle.hpp"

// Certified enclosures (interval.hpp): every result contains the exact result for every point of
// the operands. exp and log against MPFR at 4P bits: for a P-bit end e, e <= exp(x) implies
// e <= exp(x) rounded down to 4P bits, so containing the 4P-bit enclosure is the same as
// containing the exact value; + - * / against exact rationals. Then the Tribool comparisons and
// the widths.

using namespace freelunch;
using namespace freelunch::arith;

namespace {

constexpr mpfr_prec_t kPrecisions[] = {24, 53, 113, 200};

// A random rational m / d * 2^e, sometimes dyadic (d = 1).
Rational random_rational(std::mt19937_64& rng, long emin, long emax) {
  const Integer m(static_cast<long long>(testing::between(rng, -(1L << 50), 1L << 50)));
  const Integer d = testing::below(rng, 3) == 0 ? Integer(1) : Integer(static_cast<long long>(testing::between(rng, 1, 1L << 30)));
  return Rational(m, d) * pow2(testing::between(rng, emin, emax));
}

// The interval [min(p, q), max(p, q)] (ends rounded outward).
Interval hull(const IntervalArith& ar, const Rational& p, const Rational& q) {
  Interval x = ar.make();
  mpfi_interv_q(x.get(), p < q ? p.backend().data() : q.backend().data(), p < q ? q.backend().data() : p.backend().data());
  return x;
}

// f(q) enclosed at `bits` bits: [down, up] as exact rationals. q must be exact at `bits` bits.
std::pair<Rational, Rational> reference(int (*f)(mpfr_ptr, mpfr_srcptr, mpfr_rnd_t), const Rational& q, mpfr_prec_t bits) {
  ScopedMpfr x(bits);
  ScopedMpfr lo(bits);
  ScopedMpfr hi(bits);
  mpfr_set_q(x.get(), q.backend().data(), MPFR_RNDN);  // exact: q is a short dyadic
  f(lo.get(), x.get(), MPFR_RNDD);
  f(hi.get(), x.get(), MPFR_RNDU);
  return {testing::exact(lo.get()), testing::exact(hi.get())};
}

// A dyadic with at most 40 significant bits (exact at every tested P >= 24 once rounded there).
Rational short_dyadic(std::mt19937_64& rng, mpfr_prec_t p, long emin, long emax) {
  const int bits = static_cast<int>(std::min<mpfr_prec_t>(p, 40));
  const Integer m(static_cast<long long>(testing::between(rng, -(1L << (bits - 1)) + 1, (1L << (bits - 1)) - 1)));
  return Rational(m) * pow2(testing::between(rng, emin, emax));
}

}  // namespace

BOOST_AUTO_TEST_CASE(exp_and_log_enclose_the_value) {
  const std::uint64_t n = testing::iterations(2000);
  for (const mpfr_prec_t p : kPrecisions) {
    const IntervalArith ar(p);
    std::mt19937_64 rng(testing::seed() * 409u + static_cast<std::uint64_t>(p));
    std::uint64_t failures = 0;
    double widest_ulps = 0;
    for (std::uint64_t i = 0; i < n; ++i) {
      // Points (x = a) and proper intervals [a, b]: exp for |x| up to 2^9 (results from 2^-738
      // to 2^738), log of |x| + 2^-60 (not a P-bit point at P = 24: an enclosure of one).
      const Rational a = short_dyadic(rng, p, -45, -30);
      const Rational b = short_dyadic(rng, p, -45, -30);
      const bool point = testing::below(rng, 2) == 0;
      const Rational lo_arg = point ? a : (a < b ? a : b);
      const Rational hi_arg = point ? a : (a < b ? b : a);
      const Interval x = point ? ar.from_rational(a) : hull(ar, lo_arg, hi_arg);
      const Interval ex = ar.exp(x);
      const auto [ex_lo, ex_lo_up] = reference(mpfr_exp, lo_arg, 4 * p);
      const auto [ex_hi_down, ex_hi] = reference(mpfr_exp, hi_arg, 4 * p);
      bool ok = ar.lower(ex) <= ex_lo && ex_hi <= ar.upper(ex);

      const Rational pa = (a < 0 ? Rational(-a) : a) + pow2(-60);
      const Rational pb = (b < 0 ? Rational(-b) : b) + pow2(-60);
      const Rational l_lo = point ? pa : (pa < pb ? pa : pb);
      const Rational l_hi = point ? pa : (pa < pb ? pb : pa);
      const Interval y = point ? ar.from_rational(pa) : hull(ar, l_lo, l_hi);
      const Interval ly = ar.log(y);
      const auto [lg_lo, lg_lo_up] = reference(mpfr_log, l_lo, 4 * p);
      const auto [lg_hi_down, lg_hi] = reference(mpfr_log, l_hi, 4 * p);
      ok = ok && ar.lower(ly) <= lg_lo && lg_hi <= ar.upper(ly);

      // Width sanity for points: at most 2 ulps of the P-bit result (MPFI rounds each end once).
      if (point) {
        const double v = std::fabs(static_cast<double>(ex_lo));
        if (v > 0 && std::isfinite(v)) {
          const double ulps = ar.width(ex) / std::ldexp(v, static_cast<int>(1 - p));
          widest_ulps = std::max(widest_ulps, ulps);
          ok = ok && ulps <= 2;
        }
      }
      if (!ok && ++failures <= 10)
        BOOST_ERROR("interval" << p << " seed " << testing::seed() << " iteration " << i << ": exp/log of [" << lo_arg << ", " << hi_arg
                               << "] / [" << l_lo << ", " << l_hi << "] not enclosed or too wide");
    }
    BOOST_TEST_MESSAGE("interval" << p << " exp/log: " << n << " arguments, widest point exp " << widest_ulps << " ulps, " << failures
                                  << " failures");
    BOOST_TEST(failures == 0u);
  }
}

BOOST_AUTO_TEST_CASE(arithmetic_encloses_the_exact_result) {
  const std::uint64_t n = testing::iterations(5000);
  for (const mpfr_prec_t p : kPrecisions) {
    const IntervalArith ar(p);
    std::mt19937_64 rng(testing::seed() * 419u + static_cast<std::uint64_t>(p));
    std::uint64_t failures = 0, proper = 0;
    for (std::uint64_t i = 0; i < n; ++i) {
      // Operands: from_rational of a random rational (an enclosure, a point only when q fits P
      // bits), or a hull [q1, q2]; the corners of the hulls are the extreme points.
      const Rational a1 = random_rational(rng, -80, 80);
      const Rational b1 = random_rational(rng, -80, 80);
      const bool hulls = testing::below(rng, 2) == 0;
      const Rational a2 = hulls ? random_rational(rng, -80, 80) : a1;
      const Rational b2 = hulls ? random_rational(rng, -80, 80) : b1;
      const Interval x = hulls ? hull(ar, a1, a2) : ar.from_rational(a1);
      const Interval y = hulls ? hull(ar, b1, b2) : ar.from_rational(b1);
      if (hulls) ++proper;
      bool ok = true;
      const Interval sum = x + y, diff = x - y, prod = x * y, quot = x / y;
      const bool y_has_zero = (b1 < 0) != (b2 < 0) || b1 == 0 || b2 == 0;
      for (const Rational& a : {a1, a2}) {
        for (const Rational& b : {b1, b2}) {
          ok = ok && ar.contains(sum, a + b) && ar.contains(diff, a - b) && ar.contains(prod, a * b);
          if (!y_has_zero) ok = ok && ar.contains(quot, a / b);
        }
      }
      ok = ok && ar.contains(-x, -a1) && ar.contains(ar.sqr(x), a1 * a1) && ar.contains(ar.abs(x), a1 < 0 ? Rational(-a1) : a1);
      if (!ok && ++failures <= 10)
        BOOST_ERROR("interval" << p << " seed " << testing::seed() << " iteration " << i << ": x from " << a1 << ", " << a2 << "; y from " << b1
                               << ", " << b2);
    }
    BOOST_TEST_MESSAGE("interval" << p << " + - * /: " << n << " pairs (" << proper << " proper intervals), " << failures << " failures");
    BOOST_TEST(failures == 0u);
  }
}

BOOST_AUTO_TEST_CASE(comparisons_are_certain_only_when_disjoint) {
  const IntervalArith ar(53);
  std::mt19937_64 rng(testing::seed() * 421u);
  const std::uint64_t n = testing::iterations(2000);
  std::uint64_t decided = 0, unknown = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    // Four sorted values; x = [v0, v1], y = [v2, v3] disjoint, or overlapping [v0, v2], [v1, v3].
    Rational v[4];
    for (Rational& r : v) r = random_rational(rng, -10, 10);
    std::sort(std::begin(v), std::end(v));
    if (v[1] == v[2]) continue;
    const bool disjoint = testing::below(rng, 2) == 0;
    const Interval x = disjoint ? hull(ar, v[0], v[1]) : hull(ar, v[0], v[2]);
    const Interval y = disjoint ? hull(ar, v[2], v[3]) : hull(ar, v[1], v[3]);
    // Exact (dyadic) ends keep the intervals disjoint after outward rounding only when the gap
    // survives it; compare the enclosures themselves.
    const bool really_disjoint = ar.upper(x) < ar.lower(y);
    if (really_disjoint) {
      ++decided;
      BOOST_TEST((x < y).is_true());
      BOOST_TEST((x <= y).is_true());
      BOOST_TEST((y > x).is_true());
      BOOST_TEST((y < x).is_false());
      BOOST_TEST((x >= y).is_false());
      BOOST_TEST((x > y).is_false());
      BOOST_TEST((x < y).certain());
    } else if (!disjoint) {
      ++unknown;
      BOOST_TEST((x < y).is_unknown());
      BOOST_TEST((y < x).is_unknown());
      BOOST_TEST((x <= y).is_unknown());
      BOOST_TEST((x >= y).is_unknown());
      BOOST_CHECK_THROW((x < y).certain(), std::logic_error);
    }
  }
  BOOST_TEST_MESSAGE("comparisons: " << decided << " disjoint pairs decided, " << unknown << " overlapping pairs unknown");
  BOOST_TEST(decided > n / 4);
  BOOST_TEST(unknown > n / 4);

  // Touching intervals [0, 1] and [1, 2]: x <= y holds for every pair of points, x < y does not
  // hold for (1, 1) but does for others: unknown.
  const Interval a = hull(ar, Rational(0), Rational(1));
  const Interval b = hull(ar, Rational(1), Rational(2));
  BOOST_TEST((a <= b).is_true());
  BOOST_TEST((a < b).is_unknown());
  BOOST_TEST((b < a).is_false());
  // Tribool logic: false dominates &&, unknown stays unknown under !.
  BOOST_TEST((Tribool(false) && Tribool::unknown()).is_false());
  BOOST_TEST((Tribool(true) && Tribool::unknown()).is_unknown());
  BOOST_TEST((!Tribool::unknown()).is_unknown());
  BOOST_TEST((!Tribool(true)).is_false());
}

BOOST_AUTO_TEST_CASE(widths) {
  for (const mpfr_prec_t p : kPrecisions) {
    const IntervalArith ar(p);
    // A representable value is a point; 1/3 is one ulp wide (2^-(P+1) at 1/3).
    BOOST_TEST(ar.width(ar.from_rational(Rational(3, 8))) == 0.0);
    const double w = ar.width(ar.from_rational(Rational(1, 3)));
    BOOST_TEST(w > 0.0);
    BOOST_TEST(w <= std::ldexp(1.0, static_cast<int>(-p - 1)));
    // Same object twice (STYLE, aliasing): x * x encloses {a b : a, b in x}, sqr the squares.
    const Interval x = hull(ar, Rational(-1), Rational(2));
    BOOST_TEST(ar.lower(x * x) == Rational(-2));
    BOOST_TEST(ar.lower(ar.sqr(x)) == Rational(0));
    BOOST_TEST(ar.upper(ar.sqr(x)) == Rational(4));
    // max/min enclose the max/min of the points.
    const Interval y = hull(ar, Rational(0), Rational(3));
    BOOST_TEST(ar.lower(ar.max(x, y)) == Rational(0));
    BOOST_TEST(ar.upper(ar.max(x, y)) == Rational(3));
    BOOST_TEST(ar.lower(ar.min(x, y)) == Rational(-1));
    BOOST_TEST(ar.upper(ar.min(x, y)) == Rational(2));
  }
}

// Endpoints nearer 0 than 2^-t move outward to 0 or ±2^-t (still an enclosure), decided before
// a rational is built; other endpoints are exact. exp(-1e12) and silu(-1e12) sit at MPFR's
// underflow threshold, whose rational has about 2^30 bits.
BOOST_AUTO_TEST_CASE(outward_endpoints_tame_tiny_values) {
  const IntervalArith ar(64);
  const Rational tiny = Rational(1) / Rational(Integer(1) << 100);
  const Interval e = ar.exp(ar.from_rational(Rational(-1000000000000LL)));  // (0, 2^-emin-ish]
  BOOST_TEST(ar.lower_outward(e, 100) == 0);
  BOOST_TEST(ar.upper_outward(e, 100) == tiny);
  const Interval neg = -e;
  BOOST_TEST(ar.lower_outward(neg, 100) == -tiny);
  BOOST_TEST(ar.upper_outward(neg, 100) == 0);
  // an ordinary interval: the exact endpoints
  const Interval third = ar.from_int(1) / ar.from_int(3);
  BOOST_TEST(ar.lower_outward(third, 100) == ar.lower(third));
  BOOST_TEST(ar.upper_outward(third, 100) == ar.upper(third));
  // the threshold itself: 2^-100 is not below 2^-100, 2^-101 is
  const Interval at = ar.from_rational(tiny);
  BOOST_TEST(ar.lower_outward(at, 100) == tiny);
  const Interval below = ar.from_rational(tiny / 2);
  BOOST_TEST(ar.lower_outward(below, 100) == 0);
  BOOST_TEST(ar.upper_outward(below, 100) == tiny);
}
