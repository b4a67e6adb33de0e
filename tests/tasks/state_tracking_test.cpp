#define BOOST_TEST_MODULE state_tracking
#include "support/test_support.hpp"

#include <cmath>
#include <random>
#include <set>

#include "arith/interval.hpp"
#include "arith/precision.hpp"
#include "models/linear_rnn.hpp"
#include "tasks/automaton_certificate.hpp"
#include "tasks/constant_input.hpp"
#include "tasks/state_tracking.hpp"

using namespace freelunch;
using namespace freelunch::tasks;

namespace {

const models::RoundingSemantics kSem;

AutomatonResult certify(const TrackingLayer& l, const std::string& precision, std::size_t cap = 4096) {
  return arith::with_arithmetic(arith::parse_precision(precision), [&](const auto& ar) -> AutomatonResult {
    using A = std::decay_t<decltype(ar)>;
    if constexpr (arith::PointArithmetic<A>) {
      return certify_count_mod(ar, models::to_arithmetic(ar, l.rnn, kSem), to_arithmetic(ar, l.readout, kSem), l.modulus, cap, kSem);
    } else {
      throw std::logic_error("point arithmetics only");
    }
  });
}

// The read-out classes after every token of `input`, run with rnn_states (not the certificate's
// breadth-first search): the oracle for witnesses.
std::vector<std::optional<std::size_t>> classes(const TrackingLayer& l, const std::vector<std::size_t>& input) {
  arith::RationalArith ar;
  std::vector<std::optional<std::size_t>> out;
  for (const auto& h : models::rnn_states(ar, l.rnn, input, kSem)) out.push_back(read_class(ar, l.readout, h, kSem));
  return out;
}

}  // namespace

// S1.1 and S1.2: the constructions close with 2 and 3 states in every point arithmetic of the
// default list, and every read-out is right: a certificate for every length.
BOOST_AUTO_TEST_CASE(constructions_close_in_every_format) {
  for (const std::string p : {"exact", "mpfr53", "fp64", "fp32", "bf16", "fp16", "e5m2", "e4m3", "fix8.8"}) {
    BOOST_TEST_CONTEXT(p) {
      const AutomatonResult parity = certify(parity_negative(), p);
      BOOST_TEST(parity.closed);
      BOOST_TEST(!parity.witness);
      BOOST_TEST(parity.reachable_states == 2u);
      BOOST_TEST(parity.pairs == 2u);  // (1, even) and (-1, odd): h_0 = 1 is the even state
      const AutomatonResult mod3 = certify(mod3_householder(), p);
      BOOST_TEST(mod3.closed);
      BOOST_TEST(!mod3.witness);
      BOOST_TEST(mod3.reachable_states == 3u);
      BOOST_TEST(mod3.pairs == 3u);
    }
  }
}

// The layer with two reflections computes the cyclic permutation e1 -> e2 -> e3 -> e1: the
// states after 0..3 ones, by running the model.
BOOST_AUTO_TEST_CASE(householder_product_is_the_cycle) {
  const TrackingLayer l = mod3_householder();
  arith::RationalArith ar;
  const auto states = models::rnn_states(ar, l.rnn, {1, 1, 1, 0}, kSem);
  using V = std::vector<Rational>;
  BOOST_TEST((states[0] == V{0, 1, 0}));
  BOOST_TEST((states[1] == V{0, 0, 1}));
  BOOST_TEST((states[2] == V{1, 0, 0}));
  BOOST_TEST((states[3] == V{1, 0, 0}));
}

// Falsified constructions give the shortest witness, which the oracle confirms: wrong at that
// length and right at every shorter prefix.
BOOST_AUTO_TEST_CASE(witnesses_are_shortest_and_real) {
  const std::vector<TrackingLayer> layers = {mod3_householder(Rational(1), true), mod3_householder(Rational(1, 2)),
                                             parity_negative(Rational(1) - Rational(1, 1LL << 40)), mod3_diagonal(1), mod3_diagonal(2),
                                             mod3_diagonal(3)};
  for (const TrackingLayer& l : layers) {
    BOOST_TEST_CONTEXT(l.name) {
      const AutomatonResult a = certify(l, "exact");
      BOOST_TEST_REQUIRE(a.witness.has_value());
      const std::vector<std::optional<std::size_t>> read = classes(l, *a.witness);
      std::size_t count = 0;
      for (std::size_t t = 0; t < read.size(); ++t) {
        count += (*a.witness)[t];
        const bool right = read[t] == count % l.modulus;
        BOOST_TEST(right == (t + 1 < read.size()));
      }
      // Exhaustively, no input shorter than the witness fails.
      const std::size_t len = a.witness->size();
      for (std::size_t shorter = 1; shorter < len; ++shorter)
        for (std::size_t bits = 0; bits < (std::size_t{1} << shorter); ++bits) {
          std::vector<std::size_t> input;
          std::size_t c = 0;
          for (std::size_t i = 0; i < shorter; ++i) input.push_back((bits >> i) & 1);
          const auto r = classes(l, input);
          for (std::size_t t = 0; t < shorter; ++t) {
            c += input[t];
            BOOST_TEST((r[t] == c % l.modulus));
          }
        }
    }
  }
  // The known cases: reversed cycle reads 2 after one 1; the nudged decay reads 0 after one 1.
  const AutomatonResult reversed = certify(mod3_householder(Rational(1), true), "fp16");
  BOOST_TEST(reversed.witness->size() == 1u);
  BOOST_TEST(*reversed.witness_read == 2u);
  const AutomatonResult nudged = certify(parity_negative(Rational(1) - Rational(1, 1LL << 40)), "exact");
  BOOST_TEST(nudged.witness->size() == 1u);
  BOOST_TEST(*nudged.witness_read == 0u);
}

// A(1) = -1/2: the sign is the parity in exact arithmetic, but the states never repeat (not
// closed at the cap, every input up to the depth reached right); in fp16 |h| underflows to 0
// after 25 ones (2^-25 is below half the least subnormal 2^-24) and the read-out is lost.
BOOST_AUTO_TEST_CASE(shrinking_negative_decay_is_exact_but_underflows) {
  const TrackingLayer l = parity_negative(Rational(-1, 2));
  const AutomatonResult exact = certify(l, "exact", 256);
  BOOST_TEST(!exact.closed);
  BOOST_TEST(!exact.witness);
  BOOST_TEST(exact.depth >= 8u);
  const AutomatonResult fp16 = certify(l, "fp16");
  BOOST_TEST_REQUIRE(fp16.witness.has_value());
  std::size_t ones = 0;
  for (std::size_t x : *fp16.witness) ones += x;
  BOOST_TEST(ones == 25u);
  BOOST_TEST(fp16.witness->size() == 25u);
}

// S1.3: K from the emulated formats equals K of a native loop h = a*h + b in float, double and
// _Float16, with the decay as the format stores it. Every operation's result goes through a
// volatile of the format, so it is rounded to the format there (no contraction, no excess
// precision kept between operations; for _Float16, GCC's float computation rounded once more to
// half is innocuous: 24 >= 2*11 + 2).
template <class F>
std::size_t native_fixed_point(F a, F b) {
  F h = 0;
  for (std::size_t t = 0;; ++t) {
    volatile F product = a * h;
    volatile F next = product + b;
    if (next == h) return t;
    h = next;
  }
}

BOOST_AUTO_TEST_CASE(fixed_point_step_matches_native_loops) {
  for (const Rational& decay : {Rational(1, 2), Rational(9, 10), Rational(99, 100), Rational(1023, 1024), Rational(1, 3)}) {
    auto emulated = [&](const std::string& p) {
      return arith::with_arithmetic(arith::parse_precision(p), [&](const auto& ar) -> std::pair<std::size_t, double> {
        using A = std::decay_t<decltype(ar)>;
        if constexpr (arith::PointArithmetic<A>) {
          const TrackingLayer l = parity_positive(decay, Rational(1), Rational(1, 2));
          const auto k = constant_input_fixed_point(ar, models::to_arithmetic(ar, l.rnn, kSem), 1, 1 << 22, kSem);
          BOOST_TEST_REQUIRE(k.has_value());
          return {*k, ar.to_rational(ar.from_rational(decay)).template convert_to<double>()};
        } else {
          throw std::logic_error("point arithmetics only");
        }
      });
    };
    BOOST_TEST_CONTEXT(decay.str()) {
      const auto [k64, a64] = emulated("fp64");
      BOOST_TEST(k64 == native_fixed_point<double>(a64, 1.0));
      const auto [k32, a32] = emulated("fp32");
      BOOST_TEST(k32 == native_fixed_point<float>(static_cast<float>(a32), 1.0f));
      const auto [k16, a16] = emulated("fp16");
      BOOST_TEST(k16 == native_fixed_point<_Float16>(static_cast<_Float16>(a16), static_cast<_Float16>(1)));
    }
  }
}

// In exact arithmetic the orbit has no fixed point, and a threshold on an n-decay layer changes
// sign at most n times; one negative decay breaks the bound.
BOOST_AUTO_TEST_CASE(exact_orbits_and_sign_changes) {
  arith::RationalArith ar;
  const TrackingLayer l = parity_positive(Rational(9, 10), Rational(1), Rational(3, 2));
  BOOST_TEST(!constant_input_fixed_point(ar, l.rnn, 1, 200, kSem).has_value());
  BOOST_TEST(threshold_sign_changes(ar, l.rnn, l.readout, 1, 100, kSem) == 1u);  // h_1 = 1 below 3/2, h_2 = 19/10 above
  const TrackingLayer neg = parity_positive(Rational(-1), Rational(0), Rational(0));
  models::LinearRnn<Rational> alternating = neg.rnn;
  alternating.h0 = {Rational(1)};
  BOOST_TEST(!constant_input_fixed_point(ar, alternating, 1, 200, kSem).has_value());
  BOOST_TEST(threshold_sign_changes(ar, alternating, neg.readout, 1, 50, kSem) == 49u);
}

// The tight construction: c . h_t - theta is (-1)^(t+1) at t = 1..n+1, recomputed here from the
// closed form h_t[s] = (1 - a_s^t) / (1 - a_s) (not by running the layer), and the run changes sign
// exactly n times, never again after t = n + 1.
BOOST_AUTO_TEST_CASE(alternating_threshold_is_tight) {
  arith::RationalArith ar;
  for (std::size_t n : {1u, 2u, 3u, 5u, 8u}) {
    BOOST_TEST_CONTEXT("n = " << n) {
      const TrackingLayer l = alternating_threshold(n);
      const auto& a = std::get<models::DiagonalFactor<Rational>>(l.rnn.tokens[1].factors[0]).d;
      for (std::size_t t = 1; t <= n + 1; ++t) {
        Rational f = -*l.readout.theta;
        for (std::size_t s = 0; s < n; ++s) {
          Rational power(1);
          for (std::size_t k = 0; k < t; ++k) power *= a[s];
          f += l.readout.rows[0][s] * (1 - power) / (1 - a[s]);
        }
        BOOST_TEST((f == Rational(t % 2 == 1 ? 1 : -1)), "t = " << t);
      }
      BOOST_TEST(threshold_sign_changes(ar, l.rnn, l.readout, 1, n + 1, kSem) == n);
      BOOST_TEST(threshold_sign_changes(ar, l.rnn, l.readout, 1, 300, kSem) == n);
    }
  }
}

// Mamba's parity layer a(1) = 2 exp(-8) - 1 in fp16, against a native _Float16 loop: the stored
// decay is fl(2 fl(exp(-8)) - 1) (exp rounded once from double: exp(-8) is far from a tie), and
// the orbit h <- a h from 1 stops shrinking at a nonzero value after exactly as many distinct
// states as the certificate enumerates (token 0 is the identity, so the reachable states are the
// orbit). In exact arithmetic the decay lies strictly between -1 and 0.
BOOST_AUTO_TEST_CASE(mamba_parity_matches_native_half) {
  const arith::Precision fp16 = arith::parse_precision("fp16");
  const AutomatonResult emulated = arith::with_arithmetic(fp16, [&](const auto& ar) -> AutomatonResult {
    using A = std::decay_t<decltype(ar)>;
    if constexpr (arith::PointArithmetic<A> && arith::TranscendentalArithmetic<A>) {
      const auto rnn = mamba_parity(ar, Rational(8), kSem);
      return certify_count_mod(ar, rnn, to_arithmetic(ar, parity_negative().readout, kSem), 2, 1 << 16, kSem);
    } else {
      throw std::logic_error("fp16 has exp");
    }
  });
  volatile _Float16 e = static_cast<_Float16>(std::exp(-8.0));
  volatile _Float16 twice = static_cast<_Float16>(2) * e;
  const _Float16 a = twice - static_cast<_Float16>(1);
  std::set<float> orbit{1.0f};
  _Float16 h = 1;
  for (;;) {
    volatile _Float16 next = a * h;
    h = next;
    if (!orbit.insert(static_cast<float>(h)).second) break;
  }
  BOOST_TEST(static_cast<float>(h) != 0.0f);
  BOOST_TEST(emulated.closed);
  BOOST_TEST(!emulated.witness.has_value());
  BOOST_TEST(emulated.reachable_states == orbit.size());

  arith::IntervalArith iv(128);
  const auto enclosed = mamba_parity(iv, Rational(8), kSem);
  const auto& a1 = std::get<models::DiagonalFactor<arith::Interval>>(enclosed.tokens[1].factors[0]).d[0];
  BOOST_TEST((a1 > iv.from_int(-1)).is_true());
  BOOST_TEST((a1 < iv.from_int(0)).is_true());
}

// S1.3 on Mamba-range layers: K in fp32 equals K of a native float loop over the same channel
// (softplus as log(1 + exp(w)) for w <= 0, a_s = exp(delta A_s), b_s = delta B_s; exp and log
// rounded once from double), and every entry is below 1 in the exact enclosure.
BOOST_AUTO_TEST_CASE(mamba_range_fixed_point_matches_native_float) {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const MambaDecayLayer l = draw_mamba_decay_layer(16, seed);
    const std::size_t k32 = arith::with_arithmetic(arith::parse_precision("fp32"), [&](const auto& ar) -> std::size_t {
      using A = std::decay_t<decltype(ar)>;
      if constexpr (arith::PointArithmetic<A> && arith::TranscendentalArithmetic<A>) {
        const auto k = constant_input_fixed_point(ar, mamba_decay_rnn(ar, l, kSem), 1, 1 << 22, kSem);
        BOOST_TEST_REQUIRE(k.has_value());
        return *k;
      } else {
        throw std::logic_error("fp32 has exp");
      }
    });
    const float w = l.w.convert_to<float>();
    volatile float ew = static_cast<float>(std::exp(static_cast<double>(w)));
    volatile float one_plus = 1.0f + ew;
    const float dt = static_cast<float>(std::log(static_cast<double>(one_plus)));
    std::vector<float> a, b, h(16, 0.0f);
    for (std::size_t s = 0; s < 16; ++s) {
      volatile float dta = dt * l.A[s].convert_to<float>();
      a.push_back(static_cast<float>(std::exp(static_cast<double>(dta))));
      volatile float dtb = dt * l.B[s].convert_to<float>();
      b.push_back(static_cast<float>(dtb));
    }
    std::size_t k = 0;
    for (;; ++k) {
      bool moved = false;
      for (std::size_t s = 0; s < 16; ++s) {
        volatile float product = a[s] * h[s];
        volatile float next = product + b[s];
        moved = moved || next != h[s];
        h[s] = next;
      }
      if (!moved) break;
    }
    BOOST_TEST(k32 == k, "seed " << seed);
  }
}

// The near-miss diagonal layer: its exact scores at T ones are the indicator of T mod 3 for
// T < k (recomputed from the closed form sum_i beta_(c,i) d_i^T), so the certificate's shortest
// witness has at least k tokens; and it has one (a diagonal layer cannot count mod 3).
BOOST_AUTO_TEST_CASE(near_miss_diagonal_is_right_below_k) {
  for (std::size_t k : {3u, 5u, 8u}) {
    BOOST_TEST_CONTEXT("k = " << k) {
      const TrackingLayer l = mod3_diagonal_near_miss(k);
      const auto& d = std::get<models::DiagonalFactor<Rational>>(l.rnn.tokens[1].factors[0]).d;
      for (std::size_t t = 0; t < k; ++t)
        for (std::size_t c = 0; c < 3; ++c) {
          Rational score(0);
          for (std::size_t i = 0; i < k; ++i) {
            Rational power(1);
            for (std::size_t j = 0; j < t; ++j) power *= d[i];
            score += l.readout.rows[c][i] * power;
          }
          BOOST_TEST((score == Rational(t % 3 == c ? 1 : 0)), "T = " << t << ", class " << c);
        }
      const AutomatonResult r = certify(l, "exact");
      BOOST_TEST_REQUIRE(r.witness.has_value());
      BOOST_TEST(r.witness->size() >= k);
    }
  }
  BOOST_CHECK_THROW(mod3_diagonal_near_miss(13), UsageError);
}

// Bad shapes are usage errors, not crashes.
BOOST_AUTO_TEST_CASE(bad_layers_are_rejected) {
  TrackingLayer l = mod3_householder();
  l.rnn.h0.pop_back();
  BOOST_CHECK_THROW(certify(l, "exact"), UsageError);
  TrackingLayer m = parity_negative();
  m.modulus = 1;
  BOOST_CHECK_THROW(certify(m, "exact"), UsageError);
}
