#define BOOST_TEST_MODULE relu_staircase
#include "support/test_support.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <string>
#include <vector>

#include "arith/precision.hpp"
#include "core/random.hpp"
#include "models/conv1d.hpp"
#include "models/relu_network.hpp"
#include "models/staircase.hpp"
#include "models/test_values.hpp"

using namespace freelunch;
using linalg::Matrix;
using models::RoundingSemantics;
using testing::from_rationals;
using testing::show;
using testing::to_rationals;

// ---------------------------------------------------------------------------------------------
// The rounding staircase.

namespace {

// Checks staircase(x) = k for x = k + j 2^-grid_log2 over every k in [-V, V] and every j with
// |j| 2^-grid_log2 <= 1/2 - δ (the promise), both ends included; also the plateaus beyond +-V,
// and (in exact arithmetic) the midpoints k + 1/2, which the step maps to k + 1/2.
// Returns the number of points checked.
template <class A>
std::size_t check_staircase(const A& ar, const models::Staircase& st, long grid_log2, bool check_midpoints) {
  const Rational unit = pow2(-grid_log2);
  const Rational reach = Rational(1, 2) - pow2(st.delta_log2);  // 1/2 - δ
  const long jmax = static_cast<long>((reach / unit).convert_to<double>());
  BOOST_TEST_REQUIRE(Rational(jmax) * unit == reach);  // the promise's end is on the grid
  std::size_t points = 0;
  ar.clear_flags();
  for (long k = -st.bound; k <= st.bound; ++k)
    for (long j = -jmax; j <= jmax; ++j) {
      const Rational x = Rational(k) + Rational(j) * unit;
      BOOST_TEST_CONTEXT(ar.name() << ", V = " << st.bound << ", delta = 2^" << st.delta_log2 << ", x = " << to_string(x)) {
        BOOST_TEST(ar.to_rational(models::staircase(ar, st, ar.from_rational(x))) == Rational(k));
      }
      ++points;
    }
  // Beyond the ends the staircase is flat at -V and V.
  for (long outside : {st.bound + 1, st.bound + 3}) {
    BOOST_TEST(ar.to_rational(models::staircase(ar, st, ar.from_int(outside))) == Rational(st.bound));
    BOOST_TEST(ar.to_rational(models::staircase(ar, st, ar.from_int(-outside))) == Rational(-st.bound));
  }
  // Every input and intermediate was representable: no rounding at all.
  BOOST_TEST(!ar.flags().test(arith::Flag::inexact), ar.name() << " flags " << ar.flags().to_string());
  if (check_midpoints)
    for (long k = -st.bound; k < st.bound; ++k) {
      const Rational mid = Rational(k) + Rational(1, 2);
      BOOST_TEST(ar.to_rational(models::staircase(ar, st, ar.from_rational(mid))) == mid, "midpoint " << to_string(mid));
    }
  return points;
}

}  // namespace

BOOST_AUTO_TEST_CASE(staircase_rounds_every_promised_input_exactly) {
  // (V, δ = 2^delta_log2, grid 2^-grid_log2) chosen so that x - (k - 1/2), its multiple by
  // 1/(2δ) and the sums fit the format: |z| <= (2V + 1) / (2δ) with grid_log2 - delta_log2 + 1
  // fraction bits.
  struct Case {
    const char* precision;
    long bound, delta_log2, grid_log2;
  };
  const std::vector<Case> cases = {{"exact", 1, -2, 3},   {"exact", 5, -3, 4},   {"exact", 16, -4, 5},  {"exact", 4, -6, 7},
                                   {"fp32", 1, -2, 3},    {"fp32", 7, -4, 6},    {"fp32", 40, -5, 6},   {"fp16", 1, -2, 3},
                                   {"fp16", 4, -2, 4},    {"fp16", 8, -3, 3},    {"fix16.16", 9, -4, 6}, {"mpfr30", 12, -3, 6},
                                   {"bf16", 2, -2, 2}};
  std::size_t points = 0;
  for (const Case& c : cases) {
    const models::Staircase st{c.bound, c.delta_log2};
    arith::with_arithmetic(arith::parse_precision(c.precision), [&](const auto& ar) {
      using A = std::decay_t<decltype(ar)>;
      if constexpr (arith::PointArithmetic<A>) {
        points += check_staircase(ar, st, c.grid_log2, A::is_exact);
      } else {
        BOOST_FAIL(c.precision << " is not a point arithmetic");
      }
    });
  }
  BOOST_TEST_MESSAGE("staircase: " << points << " promised inputs checked");
}

BOOST_AUTO_TEST_CASE(staircase_is_monotone_between_the_steps) {
  // Outside the promise the output lies between the neighbouring integers and never decreases:
  // exact values on a fine grid over [-V - 1, V + 1].
  const arith::RationalArith ar;
  const models::Staircase st{3, -2};
  Rational previous = -10;
  for (long j = -4 * 64; j <= 4 * 64; ++j) {
    const Rational x = Rational(j, 64);
    const Rational y = models::staircase(ar, st, x);
    BOOST_TEST_CONTEXT("x = " << to_string(x) << ", y = " << to_string(y)) {
      BOOST_TEST(y >= previous);
      BOOST_TEST(y >= Rational(-3));
      BOOST_TEST(y <= Rational(3));
      // Never more than 1/2 from x on [-V - 1/2, V + 1/2] (1/2 - δ inside, 1/2 at the two ends).
      if (x >= Rational(-7, 2) && x <= Rational(7, 2)) BOOST_TEST((y - x <= Rational(1, 2) && x - y <= Rational(1, 2)));
    }
    previous = y;
  }
}

// ---------------------------------------------------------------------------------------------
// ReLU networks computing exact piecewise linear functions.

namespace {

// max(a, b) = b + relu(a - b), with b = relu(b) - relu(-b) carried through the hidden layer.
models::ReluNetwork<Rational> max_network() {
  Matrix<Rational> hidden(3, 2, Rational(0));
  hidden(0, 0) = 1;
  hidden(0, 1) = -1;  // relu(a - b)
  hidden(1, 1) = 1;   // relu(b)
  hidden(2, 1) = -1;  // relu(-b)
  Matrix<Rational> out(1, 3, Rational(1));
  out(0, 2) = -1;
  return {{{hidden, {0, 0, 0}}, {out, {0}}}};
}

// |a - b| = relu(a - b) + relu(b - a).
models::ReluNetwork<Rational> distance_network() {
  Matrix<Rational> hidden(2, 2, Rational(1));
  hidden(0, 1) = -1;
  hidden(1, 0) = -1;
  return {{{hidden, {0, 0}}, {Matrix<Rational>(1, 2, Rational(1)), {0}}}};
}

}  // namespace

BOOST_AUTO_TEST_CASE(relu_networks_compute_max_and_distance_exactly) {
  Rng rng(testing::seed() + 41);
  const models::ReluNetwork<Rational> max_net = max_network(), dist_net = distance_network();
  BOOST_TEST(max_net.inputs() == 2u);
  BOOST_TEST(max_net.outputs() == 1u);
  const std::uint64_t count = std::max<std::uint64_t>(testing::iterations(200), 20);
  // Integer inputs bounded so that a - b is exact too: |a - b| <= 2 bound < 2^p (fp16: 11 bits;
  // fix16.16 holds |x| < 2^15).
  struct Case {
    const char* name;
    std::int64_t bound;
  };
  for (const auto& [name, bound] : {Case{"exact", std::int64_t{1} << 40}, Case{"fp32", (1 << 22) - 1}, Case{"fp16", 1023},
                                    Case{"fix16.16", 16383}, Case{"mpfr20", (1 << 18) - 1}}) {
    arith::with_arithmetic(arith::parse_precision(name), [&](const auto& ar) {
      using A = std::decay_t<decltype(ar)>;
      if constexpr (arith::PointArithmetic<A>) {
        const auto max_in_ar = models::to_arithmetic(ar, max_net);
        const auto dist_in_ar = models::to_arithmetic(ar, dist_net);
        for (std::uint64_t it = 0; it < count; ++it) {
          // Corners first: equal inputs, zeros, the ends of the range.
          const std::int64_t a = it < 4 ? (it % 2 ? bound : 0) : rng.uniform(-bound, bound);
          const std::int64_t b = it < 4 ? (it < 2 ? 0 : -bound) : (it % 17 == 0 ? a : rng.uniform(-bound, bound));
          BOOST_TEST_CONTEXT("seed " << testing::seed() << ", " << name << ", a = " << a << ", b = " << b) {
            const auto x = from_rationals(ar, {Rational(a), Rational(b)});
            const RoundingSemantics sem;
            const auto m = models::apply(ar, max_in_ar, std::span(x), sem);
            const auto d = models::apply(ar, dist_in_ar, std::span(x), sem);
            BOOST_TEST_REQUIRE(m.size() == 1u);
            BOOST_TEST_REQUIRE(d.size() == 1u);
            BOOST_TEST(ar.to_rational(m[0]) == Rational(std::max(a, b)));
            BOOST_TEST(ar.to_rational(d[0]) == Rational(a > b ? a - b : b - a));
          }
        }
      } else {
        BOOST_FAIL(name << " is not a point arithmetic");
      }
    });
  }
}

BOOST_AUTO_TEST_CASE(relu_network_counts_and_shape_errors) {
  const arith::RationalArith ar;
  const models::ReluNetwork<Rational> net = max_network();
  const std::vector<Rational> x = {3, -4};
  models::Counters counters;
  BOOST_TEST(models::apply(ar, net, std::span<const Rational>(x), {}, &counters)[0] == 3);
  BOOST_TEST(counters.mul_adds == 3u * 2u + 1u * 3u);  // out x in per layer
  const std::vector<Rational> three = {1, 2, 3};
  BOOST_CHECK_THROW(models::apply(ar, net, std::span<const Rational>(three), {}), UsageError);
  // The empty network is the identity.
  const models::ReluNetwork<Rational> empty;
  BOOST_TEST(models::apply(ar, empty, std::span<const Rational>(three), {}) == three, boost::test_tools::per_element());
}

// ---------------------------------------------------------------------------------------------
// The causal depthwise convolution.

BOOST_AUTO_TEST_CASE(conv1d_hand_example_uses_the_pytorch_layout) {
  // x = (1, 2, 3), w = (1, 10, 100), bias 5: w[K-1] = 100 multiplies x_t.
  const arith::RationalArith ar;
  const std::vector<Rational> x = {1, 2, 3}, w = {1, 10, 100};
  const auto y = models::causal_conv1d(ar, std::span<const Rational>(x), std::span<const Rational>(w), Rational(5), {});
  BOOST_TEST(y == (std::vector<Rational>{105, 215, 326}), boost::test_tools::per_element());
  // A kernel wider than the input sees only zeros on the left.
  const std::vector<Rational> wide = {7, 1, 10, 100};
  BOOST_TEST(models::causal_conv1d(ar, std::span<const Rational>(x), std::span<const Rational>(wide), Rational(0), {}) ==
                 (std::vector<Rational>{100, 210, 321}),
             boost::test_tools::per_element());
  const std::vector<Rational> none;
  BOOST_CHECK_THROW(models::causal_conv1d(ar, std::span<const Rational>(x), std::span<const Rational>(none), Rational(0), {}), UsageError);
  BOOST_TEST(models::causal_conv1d(ar, std::span<const Rational>(none), std::span<const Rational>(w), Rational(0), {}).empty());
}

BOOST_AUTO_TEST_CASE(conv1d_equals_the_hand_written_sum) {
  Rng rng(testing::seed() + 42);
  const arith::RationalArith exact;
  const arith::SoftFloatArith fp32(std::get<arith::FloatSpec>(arith::parse_precision("fp32").spec).format);
  const std::uint64_t count = std::max<std::uint64_t>(testing::iterations(100), 20);
  for (std::uint64_t it = 0; it < count; ++it) {
    const auto length = static_cast<std::size_t>(rng.uniform(0, 12)), width = static_cast<std::size_t>(rng.uniform(1, 5));
    std::vector<Rational> x, w;
    for (std::size_t t = 0; t < length; ++t) x.push_back(rng.rational(3, 7));
    for (std::size_t k = 0; k < width; ++k) w.push_back(rng.rational(2, 7));
    const Rational bias = rng.rational(1, 7);
    BOOST_TEST_CONTEXT("seed " << testing::seed() << ", iteration " << it << ", x = " << show(x) << ", w = " << show(w) << ", bias "
                               << to_string(bias)) {
      // Exact: y_t = bias + Σ_k w[k] x_{t-(K-1)+k}.
      models::Counters counters;
      const auto y = models::causal_conv1d(exact, std::span<const Rational>(x), std::span<const Rational>(w), bias, {}, &counters);
      BOOST_TEST_REQUIRE(y.size() == length);
      for (std::size_t t = 0; t < length; ++t) {
        Rational sum = bias;
        for (std::size_t k = 0; k < width; ++k) {
          const long j = static_cast<long>(t) - static_cast<long>(width - 1) + static_cast<long>(k);
          if (j >= 0) sum += w[k] * x[static_cast<std::size_t>(j)];
        }
        BOOST_TEST(y[t] == sum, "t = " << t);
      }
      BOOST_TEST(counters.mul_adds == length * width);

      // fp32, sequential: a float loop, w[0] x_{t-K+1} first, the bias added last.
      const auto xf = from_rationals(fp32, x), wf = from_rationals(fp32, w);
      const auto yf = models::causal_conv1d(fp32, std::span(xf), std::span(wf), fp32.from_rational(bias), {});
      for (std::size_t t = 0; t < length; ++t) {
        auto in = [&](std::size_t k) -> float {
          const long j = static_cast<long>(t) - static_cast<long>(width - 1) + static_cast<long>(k);
          return j >= 0 ? static_cast<float>(xf[static_cast<std::size_t>(j)].value()) : 0.0f;
        };
        float acc = static_cast<float>(wf[0].value()) * in(0);
        for (std::size_t k = 1; k < width; ++k) {
          const float product = static_cast<float>(wf[k].value()) * in(k);
          acc = acc + product;
        }
        acc = acc + static_cast<float>(fp32.from_rational(bias).value());
        BOOST_TEST(std::bit_cast<std::uint64_t>(yf[t].value()) == std::bit_cast<std::uint64_t>(static_cast<double>(acc)), "t = " << t);
      }
    }
  }
}
