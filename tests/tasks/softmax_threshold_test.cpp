#define BOOST_TEST_MODULE softmax_threshold
#include "support/test_support.hpp"

#include <mpfr.h>

#include "arith/mpfr_arith.hpp"
#include "arith/scoped_mpfr.hpp"
#include "models/softmax_attention.hpp"
#include "tasks/softmax_threshold.hpp"

using namespace freelunch;
using namespace freelunch::tasks;

namespace {

// ln(x) bracketed by MPFR at 300 bits, rounded down and up: an oracle independent of MPFI.
std::pair<Rational, Rational> log_bracket(unsigned long x) {
  std::pair<Rational, Rational> out;
  for (mpfr_rnd_t rnd : {MPFR_RNDD, MPFR_RNDU}) {
    arith::ScopedMpfr v(300);
    mpfr_set_ui(v.get(), x, MPFR_RNDN);
    mpfr_log(v.get(), v.get(), rnd);
    Integer m;
    const mpfr_exp_t e = mpfr_get_z_2exp(m.backend().data(), v.get());
    (rnd == MPFR_RNDD ? out.first : out.second) = Rational(m) * pow2(e);
  }
  return out;
}

}  // namespace

// L = 4, ε = 1/2: Δ* = ln 3 (the argument (L - 1)(1 - ε)/ε is 3); the enclosure holds the
// 300-bit bracket of ln 3 and is about 2^-127 wide.
BOOST_AUTO_TEST_CASE(threshold_encloses_ln3) {
  BOOST_TEST(gap_threshold_argument(4, Rational(1, 2)) == Rational(3));
  BOOST_TEST(gap_threshold_argument(1025, Rational(1, 1000)) == Rational(1024 * 999));
  const arith::IntervalArith ar(128);
  const ThresholdCertificate c = certify_gap_threshold(ar, 4, Rational(1, 2), Rational(1, 1000000), Rational(1, 1000000));
  const auto [lo, hi] = log_bracket(3);
  BOOST_TEST(c.lower <= lo);
  BOOST_TEST(hi <= c.upper);
  BOOST_TEST(c.upper - c.lower < pow2(-120));
  BOOST_TEST(c.lower > Rational(10986, 10000));  // ln 3 = 1.09861...
  BOOST_TEST(c.upper < Rational(10987, 10000));
  BOOST_TEST(c.above == c.upper + Rational(1, 1000000), Rational(1, 1000000));
  BOOST_TEST(c.below == c.lower - Rational(1, 1000000), Rational(1, 1000000));
  BOOST_TEST(c.holds().is_true());
}

// L = 2, ε = 1/2: Δ* = ln 1 = 0 exactly, a point enclosure; the test points are ±10^-6.
BOOST_AUTO_TEST_CASE(threshold_zero_for_two_positions) {
  const arith::IntervalArith ar(128);
  const ThresholdCertificate c = certify_gap_threshold(ar, 2, Rational(1, 2), Rational(1, 1000000), Rational(1, 1000000));
  BOOST_TEST(c.lower == Rational(0));
  BOOST_TEST(c.upper == Rational(0));
  BOOST_TEST(c.holds().is_true());
}

// The proof's grid certifies at 128 bits; each Δ* bracketed by the 300-bit oracle.
BOOST_AUTO_TEST_CASE(grid_certifies) {
  const arith::IntervalArith ar(128);
  for (unsigned e = 1; e <= 20; ++e)
    for (const Rational& eps : {Rational(1, 2), Rational(1, 1000), Rational(1, 1000000000)}) {
      const std::uint64_t length = std::uint64_t{1} << e;
      BOOST_TEST_CONTEXT("L=" << length << " eps=" << eps) {
        const ThresholdCertificate c = certify_gap_threshold(ar, length, eps, Rational(1, 1000000), Rational(1, 1000000));
        BOOST_TEST(c.holds().is_true());
        // ln((L-1)(1-ε)/ε) = ln(L - 1) + ln((1 - ε)/ε); with ε = 1/1000, (1-ε)/ε = 999.
        if (eps == Rational(1, 1000)) {
          const auto [lo, hi] = log_bracket((length - 1) * 999);
          BOOST_TEST(c.lower <= lo);
          BOOST_TEST(hi <= c.upper);
        }
      }
    }
}

// The certificate can fail: at 10 bits the enclosures of w and 1 - ε = 1 - 10^-9 overlap.
BOOST_AUTO_TEST_CASE(low_precision_does_not_certify) {
  const arith::IntervalArith ar(10);
  const ThresholdCertificate c = certify_gap_threshold(ar, std::uint64_t{1} << 20, Rational(1, 1000000000), Rational(1, 1000000), Rational(1, 1000000));
  BOOST_TEST(c.holds().is_unknown());
  BOOST_TEST(c.describe().find("undecided") != std::string::npos);
  // The switch is sharp and the weight decides it at 128 bits: with L = 4, ε = 1/2, w < 1/2 just
  // below ln 3 = 1.09861228866810969... and w >= 1/2 just above, 10^-17 away on either side.
  const arith::IntervalArith wide(128);
  const arith::Interval w = target_weight(wide, 4, Rational(10986122886681096LL, 10000000000000000LL));
  BOOST_TEST((w < wide.from_rational(Rational(1, 2))).is_true());
  const arith::Interval w2 = target_weight(wide, 4, Rational(10986122886681097LL, 10000000000000000LL));
  BOOST_TEST((w2 >= wide.from_rational(Rational(1, 2))).is_true());  // just above ln 3
}

// The closed form is the target weight of an actual softmax with L - 1 competitors at gap Δ:
// models::softmax_attention_row with one-dimensional queries and keys, value 1 at the target.
BOOST_AUTO_TEST_CASE(closed_form_is_the_softmax_weight) {
  const arith::IntervalArith ar(128);
  const arith::MpfrArith high(200);
  for (std::size_t length : {2, 3, 7, 16})
    for (const Rational& gap : {Rational(0), Rational(3, 2), Rational(-1, 3), Rational(17)}) {
      BOOST_TEST_CONTEXT("L=" << length << " gap=" << gap) {
        models::SoftmaxAttention<arith::Interval> sa{linalg::Matrix<arith::Interval>(length, 1, ar.from_int(1)),
                                                     linalg::Matrix<arith::Interval>(length, 1, ar.from_rational(-gap)),
                                                     linalg::Matrix<arith::Interval>(length, 1, ar.from_int(0))};
        const std::size_t target = length / 2;
        sa.k(target, 0) = ar.from_int(0);
        sa.v(target, 0) = ar.from_int(1);
        const arith::Interval softmax = models::softmax_attention_row(ar, sa, length - 1, models::RoundingSemantics{})[0];
        const arith::Interval closed = target_weight(ar, length, gap);
        const Rational point = high.to_rational(target_weight(high, length, gap));
        BOOST_TEST(ar.contains(softmax, point));
        BOOST_TEST(ar.contains(closed, point));
      }
    }
}

// The certificate refutes a wrong claim instead of passing or shrugging: success claimed one step
// (10^-6) below the threshold, or failure claimed one step above it, is certified false at 128
// bits (the falsifiers of T2's threshold check); the genuine claims on the same L and ε hold.
BOOST_AUTO_TEST_CASE(claims_across_the_threshold_are_refuted) {
  const arith::IntervalArith ar(128);
  const Rational step(1, 1000000);
  for (std::uint64_t length : {std::uint64_t{4}, std::uint64_t{1024}, std::uint64_t{1} << 20})
    for (const Rational& eps : {Rational(1, 2), Rational(1, 1000), Rational(1, 1000000000)}) {
      BOOST_TEST_CONTEXT("L=" << length << " eps=" << eps) {
        BOOST_TEST(certify_gap_threshold(ar, length, eps, step, step).holds().is_true());
        const ThresholdCertificate low = certify_gap_threshold(ar, length, eps, -step, step);
        BOOST_TEST(low.above < low.lower);
        BOOST_TEST(low.succeeds_above.is_false());
        BOOST_TEST(low.holds().is_false());
        BOOST_TEST(low.describe().find("above: refuted") != std::string::npos);
        const ThresholdCertificate high = certify_gap_threshold(ar, length, eps, step, -step);
        BOOST_TEST(high.below > high.upper);
        BOOST_TEST(high.fails_below.is_false());
        BOOST_TEST(high.holds().is_false());
      }
    }
}
