#pragma once
// The worst-case form of T2 (THEORY §2, paper v2 Theorem 2). With the target logit above all
// L - 1 others by a gap Δ, and every competitor at gap exactly Δ (the worst case), the target's
// softmax weight is
//   w(L, Δ) = 1 / (1 + (L - 1) e^(-Δ)),
// increasing in Δ, and w >= 1 - ε iff Δ >= Δ*(L, ε) = ln((L - 1)(1 - ε)/ε).
// certify_gap_threshold encloses Δ* and decides two claims: success (w >= 1 - ε) at a gap above
// the enclosure and failure (w < 1 - ε) at a gap below it. The offsets place the two test points;
// the genuine claim uses positive ones, and a claim with a negative offset (success claimed one
// step below the threshold, failure one step above) is what the same certificate must refute.
#include <cstdint>
#include <string>

#include "arith/arithmetic.hpp"
#include "arith/interval.hpp"
#include "arith/rational.hpp"
#include "arith/tribool.hpp"

namespace freelunch::tasks {

// w(L, Δ) evaluated in A: exp(-Δ), one product, one sum, one quotient, each rounded (or enclosed)
// by A. length >= 2.
template <arith::TranscendentalArithmetic A>
typename A::value_type target_weight(const A& ar, std::uint64_t length, const Rational& gap) {
  using V = typename A::value_type;
  const V one = ar.from_int(1);
  const V competitors = ar.from_rational(Rational(static_cast<unsigned long>(length - 1)));
  const V e = ar.exp(-ar.from_rational(gap));
  return one / (one + competitors * e);
}

// The argument of the logarithm in Δ*, exactly: (L - 1)(1 - ε)/ε. length >= 2, 0 < ε < 1.
Rational gap_threshold_argument(std::uint64_t length, const Rational& eps);

// Δ*(L, ε) = ln((L - 1)(1 - ε)/ε) evaluated in A (one rounding of the argument, one log).
template <arith::TranscendentalArithmetic A>
typename A::value_type gap_threshold(const A& ar, std::uint64_t length, const Rational& eps) {
  return ar.log(ar.from_rational(gap_threshold_argument(length, eps)));
}

struct ThresholdCertificate {
  std::uint64_t length = 0;
  Rational eps;
  Rational lower, upper;   // exact endpoints of the enclosure of Δ*
  Rational above, below;   // the test points: upper + above_offset and lower - below_offset
  arith::Tribool succeeds_above = arith::Tribool::unknown();  // w(L, above) >= 1 - ε
  arith::Tribool fails_below = arith::Tribool::unknown();     // w(L, below) < 1 - ε

  // Both claims, as one tri-state: true when both are certified (Δ* lies in [lower, upper] and the
  // switch from failure to success happens between the test points), false when either is
  // refuted, unknown otherwise (an enclosure of w straddles 1 - ε). verdict_of maps it.
  arith::Tribool holds() const { return succeeds_above && fails_below; }
  // "Δ* in [1.0986, 1.0987] (width 2.9e-39): w >= 1-ε above: certified, w < 1-ε below: certified".
  std::string describe() const;
};

// Certified enclosures in `ar` (any precision). The test points are upper + above_offset (success
// claimed) and lower - below_offset (failure claimed); offsets of either sign (a negative one puts
// its point on the wrong side of Δ*: a perturbed claim). length >= 2, 0 < ε < 1.
// Exactness: certified enclosure (every comparison is decided by MPFI endpoints, or unknown).
ThresholdCertificate certify_gap_threshold(const arith::IntervalArith& ar, std::uint64_t length, const Rational& eps,
                                           const Rational& above_offset, const Rational& below_offset);

}  // namespace freelunch::tasks
