#define BOOST_TEST_MODULE selective_scan
#include "support/test_support.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <optional>
#include <boost/mpl/list.hpp>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "arith/precision.hpp"
#include "core/random.hpp"
#include "models/random_params.hpp"
#include "models/selective_scan.hpp"
#include "models/sequence_matrix.hpp"
#include "models/reference_rounding.hpp"
#include "models/test_values.hpp"

using namespace freelunch;
using models::DecayKind;
using models::RoundingSemantics;
using models::ScanParams;
using testing::from_rationals;
using testing::show;
using testing::to_rational_matrix;
using testing::to_rationals;

namespace {

using Dot = RoundingSemantics::Dot;
using Order = RoundingSemantics::Order;

const std::vector<RoundingSemantics>& all_semantics() {
  static const std::vector<RoundingSemantics> sems = {{Dot::per_operation, Order::sequential, std::nullopt},
                                                      {Dot::per_operation, Order::pairwise, std::nullopt},
                                                      {Dot::fused, Order::sequential, std::nullopt},
                                                      {Dot::fused, Order::pairwise, std::nullopt}};
  return sems;
}

using testing::show;

std::string show(const ScanParams<Rational>& p) {
  std::ostringstream out;
  out << "N=" << p.length << " n=" << p.state << " " << (p.decay_kind == DecayKind::scalar ? "scalar" : "per-state") << " a=" << show(p.a)
      << " b=" << show(p.b) << " c=" << show(p.c) << " D=" << (p.skip ? to_string(*p.skip) : std::string("none"));
  return out.str();
}

// M_ij = Σ_s c_i[s] (Π_{k=j+1..i} a_k[s]) b_j[s], straight from THEORY §1.2 (the product
// recomputed for every entry, unlike the library, which carries it along the column).
linalg::Matrix<Rational> naive_sequence_matrix(const ScanParams<Rational>& p) {
  linalg::Matrix<Rational> m(p.length, p.length, Rational(0));
  for (std::size_t i = 0; i < p.length; ++i)
    for (std::size_t j = 0; j <= i; ++j)
      for (std::size_t s = 0; s < p.state; ++s) {
        Rational decay = 1;
        for (std::size_t k = j + 1; k <= i; ++k) decay *= p.decay(k, s);
        m(i, j) += p.query(i, s) * decay * p.key(j, s);
      }
  return m;
}

std::vector<Rational> naive_output(const ScanParams<Rational>& p, const std::vector<Rational>& u) {
  const linalg::Matrix<Rational> m = naive_sequence_matrix(p);
  std::vector<Rational> y;
  for (std::size_t i = 0; i < p.length; ++i) {
    Rational acc = 0;
    for (std::size_t j = 0; j <= i; ++j) acc += m(i, j) * u[j];
    if (p.skip) acc += *p.skip * u[i];
    y.push_back(acc);
  }
  return y;
}

std::vector<Rational> random_input(Rng& rng, std::size_t length, bool dyadic) {
  std::vector<Rational> u;
  for (std::size_t t = 0; t < length; ++t) u.push_back(dyadic ? Rational(rng.uniform(-16, 16), 4) : rng.rational(4, 5));
  return u;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Exact arithmetic: the recurrence, the matrix form and the formula of THEORY §1.2 agree exactly.

using ExactArithmetics = boost::mpl::list<arith::RationalArith, arith::DyadicArith>;

BOOST_AUTO_TEST_CASE_TEMPLATE(recurrence_equals_matrix_form_exactly, A, ExactArithmetics) {
  const A ar;
  const bool dyadic = std::is_same_v<A, arith::DyadicArith>;
  Rng rng(testing::seed() + (dyadic ? 11 : 12));
  const std::uint64_t count = std::max<std::uint64_t>(testing::iterations(40), 8);
  for (std::uint64_t it = 0; it < count; ++it) {
    const auto length = static_cast<std::size_t>(rng.uniform(1, 9)), state = static_cast<std::size_t>(rng.uniform(1, 4));
    const DecayKind kind = it % 2 ? DecayKind::scalar : DecayKind::per_state;
    ScanParams<Rational> p = models::random_scan_params(rng, length, state, kind, dyadic);
    const std::vector<Rational> u = random_input(rng, length, dyadic);
    const RoundingSemantics& sem = all_semantics()[it % all_semantics().size()];
    BOOST_TEST_CONTEXT("seed " << testing::seed() << ", iteration " << it << ", " << ar.path() << ", " << sem.to_string() << ", "
                               << show(p) << ", u=" << show(u)) {
      const auto params = models::to_arithmetic(ar, p, sem);
      const auto input = from_rationals(ar, u);
      const std::vector<Rational> recurrence = to_rationals(ar, models::selective_scan(ar, params, std::span(input), sem));
      const auto m = models::sequence_matrix(ar, params, sem);
      const std::vector<Rational> matrix_form = to_rationals(ar, models::apply_lower(ar, m, std::span(input), sem));
      const linalg::Matrix<Rational> naive = naive_sequence_matrix(p);

      BOOST_TEST(recurrence == matrix_form, boost::test_tools::per_element());
      BOOST_TEST(recurrence == naive_output(p, u), boost::test_tools::per_element());
      BOOST_TEST(!linalg::first_difference(to_rational_matrix(ar, m), naive).has_value());
      // Lower triangular: nothing above the diagonal.
      for (std::size_t i = 0; i < length; ++i)
        for (std::size_t j = i + 1; j < length; ++j) BOOST_TEST(ar.to_rational(m(i, j)) == 0);

      // In exact arithmetic every rounding semantics gives the same values.
      for (const RoundingSemantics& other : all_semantics())
        BOOST_TEST(to_rationals(ar, models::selective_scan(ar, params, std::span(input), other)) == recurrence,
                   boost::test_tools::per_element());

      // The SSD form equals the per-state form with the decay repeated.
      if (kind == DecayKind::scalar) {
        const auto ssd = to_rational_matrix(ar, models::sequence_matrix_ssd(ar, params, sem));
        const auto per_state = to_rational_matrix(ar, models::sequence_matrix(ar, models::with_per_state_decays(params), sem));
        BOOST_TEST(!linalg::first_difference(ssd, per_state).has_value());
        BOOST_TEST(!linalg::first_difference(ssd, naive).has_value());
      } else {
        BOOST_CHECK_THROW(models::sequence_matrix_ssd(ar, params, sem), UsageError);
      }

      // Any block, empty ones included, is the block of the full matrix.
      for (int b = 0; b < 4; ++b) {
        std::size_t r0 = static_cast<std::size_t>(rng.uniform(0, static_cast<std::int64_t>(length)));
        std::size_t r1 = static_cast<std::size_t>(rng.uniform(0, static_cast<std::int64_t>(length)));
        std::size_t c0 = static_cast<std::size_t>(rng.uniform(0, static_cast<std::int64_t>(length)));
        std::size_t c1 = static_cast<std::size_t>(rng.uniform(0, static_cast<std::int64_t>(length)));
        if (r0 > r1) std::swap(r0, r1);
        if (c0 > c1) std::swap(c0, c1);
        BOOST_TEST_CONTEXT("block rows [" << r0 << ", " << r1 << "), columns [" << c0 << ", " << c1 << ")") {
          const auto block = to_rational_matrix(ar, models::sequence_matrix_block(ar, params, r0, r1, c0, c1, sem));
          BOOST_TEST(block.rows() == r1 - r0);
          BOOST_TEST(block.cols() == c1 - c0);
          BOOST_TEST(!linalg::first_difference(block, naive.block(r0, r1, c0, c1)).has_value());
        }
      }

      // The skip term adds D u_t.
      p.skip = dyadic ? Rational(rng.uniform(-8, 8), 8) : rng.rational(2, 5);
      const auto with_skip = to_rationals(ar, models::selective_scan(ar, models::to_arithmetic(ar, p, sem), std::span(input), sem));
      for (std::size_t t = 0; t < length; ++t) BOOST_TEST(with_skip[t] == recurrence[t] + *p.skip * u[t]);
    }
  }
}

BOOST_AUTO_TEST_CASE(run_exact_takes_the_dyadic_path_when_it_can) {
  Rng rng(testing::seed() + 13);
  for (const bool dyadic : {true, false}) {
    const ScanParams<Rational> p = models::random_scan_params(rng, 6, 3, DecayKind::per_state, dyadic);
    const std::vector<Rational> u = random_input(rng, 6, dyadic);
    const RoundingSemantics sem;
    BOOST_TEST_CONTEXT("seed " << testing::seed() << ", " << show(p) << ", u=" << show(u)) {
      const auto [path, y] = arith::with_arithmetic(arith::parse_precision("exact"), [&](const auto& ar) {
        using A = std::decay_t<decltype(ar)>;
        if constexpr (A::is_exact) {
          const auto input = from_rationals(ar, u);
          return std::make_pair(ar.path(), to_rationals(ar, models::selective_scan(ar, models::to_arithmetic(ar, p, sem), std::span(input), sem)));
        } else {
          BOOST_FAIL("exact ran on " << ar.name());
          return std::make_pair(std::string(), std::vector<Rational>());
        }
      });
      BOOST_TEST(path == (dyadic ? "dyadic" : "rational"));
      BOOST_TEST(y == naive_output(p, u), boost::test_tools::per_element());
    }
  }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(hand_computed_example, A, ExactArithmetics) {
  // N = 3, n = 1, a = 1/2, b = c = 1: M = [[1, 0, 0], [1/2, 1, 0], [1/4, 1/2, 1]].
  const A ar;
  const ScanParams<Rational> p{3, 1, DecayKind::per_state, {Rational(1, 2), Rational(1, 2), Rational(1, 2)}, {1, 1, 1}, {1, 1, 1}, std::nullopt};
  const RoundingSemantics sem;
  const auto params = models::to_arithmetic(ar, p, sem);
  const auto m = to_rational_matrix(ar, models::sequence_matrix(ar, params, sem));
  const Rational expected[3][3] = {{1, 0, 0}, {Rational(1, 2), 1, 0}, {Rational(1, 4), Rational(1, 2), 1}};
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 3; ++j) BOOST_TEST(m(i, j) == expected[i][j], "M(" << i << ", " << j << ")");
  // u = e_1 reads out the first column; u = (1, 2, 4): y = (1, 5/2, 21/4).
  const auto e1 = from_rationals(ar, {1, 0, 0});
  BOOST_TEST(to_rationals(ar, models::selective_scan(ar, params, std::span(e1), sem)) ==
                 (std::vector<Rational>{1, Rational(1, 2), Rational(1, 4)}),
             boost::test_tools::per_element());
  const auto u = from_rationals(ar, {1, 2, 4});
  BOOST_TEST(to_rationals(ar, models::selective_scan(ar, params, std::span(u), sem)) ==
                 (std::vector<Rational>{1, Rational(5, 2), Rational(21, 4)}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(counters_follow_the_closed_form) {
  // dot() counts one multiply-add per product: the state update a h + b u is a 2-term dot (2 per
  // state entry), the read-out c . h an n-term dot, the skip term one more. Per step: 3n (+1).
  const arith::RationalArith ar;
  Rng rng(testing::seed() + 14);
  for (const std::size_t length : {1u, 5u, 17u})
    for (const std::size_t state : {1u, 3u, 8u})
      for (const bool skip : {false, true}) {
        ScanParams<Rational> p = models::random_scan_params(rng, length, state, DecayKind::per_state, false);
        if (skip) p.skip = Rational(1, 3);
        const std::vector<Rational> u = random_input(rng, length, false);
        models::Counters counters;
        models::selective_scan(ar, models::to_arithmetic(ar, p, {}), std::span<const Rational>(u), {}, &counters);
        BOOST_TEST_CONTEXT("N = " << length << ", n = " << state << ", skip " << skip) {
          BOOST_TEST(counters.mul_adds == length * (3 * state + (skip ? 1 : 0)));
          BOOST_TEST(counters.state_numbers == state);
          BOOST_TEST(counters.peak_state_numbers == state);
        }
      }
}

BOOST_AUTO_TEST_CASE(shape_errors_are_usage_errors) {
  const arith::RationalArith ar;
  const RoundingSemantics sem;
  const ScanParams<Rational> good{2, 1, DecayKind::per_state, {Rational(1, 2), Rational(1, 3)}, {1, 2}, {3, 4}, std::nullopt};
  const std::vector<Rational> u3 = {1, 2, 3};
  BOOST_CHECK_THROW(models::selective_scan(ar, good, std::span<const Rational>(u3), sem), UsageError);
  const std::vector<Rational> u1 = {1};
  BOOST_CHECK_THROW(models::selective_scan(ar, good, std::span<const Rational>(u1), sem), UsageError);

  ScanParams<Rational> no_state{2, 0, DecayKind::per_state, {}, {}, {}, std::nullopt};
  BOOST_CHECK_THROW(no_state.check_shapes(), UsageError);
  BOOST_CHECK_THROW(models::to_arithmetic(ar, no_state, sem), UsageError);
  ScanParams<Rational> no_length{0, 1, DecayKind::per_state, {}, {}, {}, std::nullopt};
  BOOST_CHECK_THROW(models::to_arithmetic(ar, no_length, sem), UsageError);
  ScanParams<Rational> short_decays = good;
  short_decays.a.pop_back();
  BOOST_CHECK_THROW(models::to_arithmetic(ar, short_decays, sem), UsageError);
  Rng rng(testing::seed());
  ScanParams<Rational> scalar_with_vector_decays = models::random_scan_params(rng, 2, 2, DecayKind::per_state, false);
  scalar_with_vector_decays.decay_kind = DecayKind::scalar;  // 4 decays where 2 are expected
  BOOST_CHECK_THROW(models::to_arithmetic(ar, scalar_with_vector_decays, sem), UsageError);
  ScanParams<Rational> long_keys = good;
  long_keys.b.push_back(1);
  BOOST_CHECK_THROW(models::to_arithmetic(ar, long_keys, sem), UsageError);

  BOOST_CHECK_THROW(models::sequence_matrix_block(ar, good, 1, 3, 0, 1, sem), UsageError);
  BOOST_CHECK_THROW(models::sequence_matrix_block(ar, good, 1, 0, 0, 1, sem), UsageError);
}

// Regression: selective_scan did not call check_shapes(), so parameters that bypass to_arithmetic
// with n = 0 (or vectors shorter than N x n) made the read-out read c[0] of an empty vector
// (undefined behaviour) instead of raising a UsageError.
BOOST_AUTO_TEST_CASE(selective_scan_checks_shapes_itself) {
  const arith::RationalArith ar;
  const ScanParams<Rational> no_state{2, 0, DecayKind::per_state, {}, {}, {}, std::nullopt};
  const std::vector<Rational> u = {1, 2};
  BOOST_CHECK_THROW(models::selective_scan(ar, no_state, std::span<const Rational>(u), {}), UsageError);
  const ScanParams<Rational> short_queries{2, 2, DecayKind::per_state, {1, 1, 1, 1}, {1, 1, 1, 1}, {1}, std::nullopt};
  BOOST_CHECK_THROW(models::selective_scan(ar, short_queries, std::span<const Rational>(u), {}), UsageError);
}

// ---------------------------------------------------------------------------------------------
// Rounded arithmetics: every operation is the exact result rounded once, in the semantics' order.

namespace {

// The scan with every operation rounded by the oracle. p and u hold format values already.
std::vector<Rational> reference_scan(testing::RoundingOracle& o, const ScanParams<Rational>& p, const std::vector<Rational>& u,
                                     const RoundingSemantics& sem) {
  const bool fused = sem.dot == Dot::fused;
  std::vector<Rational> h(p.state, Rational(0)), y;
  for (std::size_t t = 0; t < p.length; ++t) {
    for (std::size_t s = 0; s < p.state; ++s)
      h[s] = fused ? o.round(p.decay(t, s) * h[s] + p.key(t, s) * u[t]) : o.add(o.mul(p.decay(t, s), h[s]), o.mul(p.key(t, s), u[t]));
    Rational out;
    if (fused) {
      Rational exact = 0;
      for (std::size_t s = 0; s < p.state; ++s) exact += p.query(t, s) * h[s];
      out = o.round(exact);
    } else {
      std::vector<Rational> products;
      for (std::size_t s = 0; s < p.state; ++s) products.push_back(o.mul(p.query(t, s), h[s]));
      if (sem.order == Order::sequential) {
        out = products[0];
        for (std::size_t s = 1; s < p.state; ++s) out = o.add(out, products[s]);
      } else {
        out = testing::pairwise_sum(products, 0, products.size(), [&](const Rational& a, const Rational& b) { return o.add(a, b); });
      }
    }
    if (p.skip) out = o.add(out, o.mul(*p.skip, u[t]));
    y.push_back(out);
  }
  return y;
}

ScanParams<Rational> round_params(testing::RoundingOracle& o, const ScanParams<Rational>& p) {
  return models::map_params<Rational>(p, [&](const Rational& q) { return o.round(q); });
}

// Random parameters in the format's comfortable range, plus corner instances: a long run of zero
// inputs after one impulse with a tiny decay, which walks the state through the subnormals to 0.
struct Instance {
  ScanParams<Rational> params;
  std::vector<Rational> input;
};

Instance random_instance(Rng& rng, std::uint64_t it) {
  const bool corner = it % 8 == 5;
  const auto length = corner ? std::size_t{16} : static_cast<std::size_t>(rng.uniform(1, 16));
  const auto state = static_cast<std::size_t>(rng.uniform(1, 7));
  const DecayKind kind = it % 2 ? DecayKind::scalar : DecayKind::per_state;
  Instance inst{models::random_scan_params(rng, length, state, kind, false, 7), random_input(rng, length, false)};
  if (it % 3 == 0) inst.params.skip = rng.nonzero_rational(2, 7);
  if (corner) {  // 1000^-13 ~ 1e-39: fp32 subnormals from step 13 on
    for (Rational& a : inst.params.a) a = Rational(1, 1000 + rng.uniform(0, 7));
    for (std::size_t t = 1; t < length; ++t) inst.input[t] = 0;
    inst.input[0] = 1;
  }
  return inst;
}

template <class A>
void check_against_oracle(const A& ar, const testing::BinaryFormat& format) {
  Rng rng(testing::seed() + 21);
  testing::RoundingOracle o(format);
  const std::uint64_t count = std::max<std::uint64_t>(testing::iterations(60), 16);
  std::uint64_t inexact_runs = 0, zero_outputs = 0;
  for (std::uint64_t it = 0; it < count; ++it) {
    const Instance inst = random_instance(rng, it);
    const ScanParams<Rational> rounded = round_params(o, inst.params);
    std::vector<Rational> u;
    for (const Rational& q : inst.input) u.push_back(o.round(q));
    for (const RoundingSemantics& sem : all_semantics()) {
      BOOST_TEST_CONTEXT("seed " << testing::seed() << ", iteration " << it << ", " << ar.name() << ", " << sem.to_string() << ", "
                                 << show(inst.params) << ", u=" << show(inst.input)) {
        const auto params = models::to_arithmetic(ar, inst.params, sem);
        BOOST_TEST(to_rationals(ar, params.a) == rounded.a, boost::test_tools::per_element());
        BOOST_TEST(to_rationals(ar, params.b) == rounded.b, boost::test_tools::per_element());
        BOOST_TEST(to_rationals(ar, params.c) == rounded.c, boost::test_tools::per_element());
        const auto input = from_rationals(ar, inst.input);
        ar.clear_flags();
        o.clear();
        const std::vector<Rational> y = to_rationals(ar, models::selective_scan(ar, params, std::span(input), sem));
        const std::vector<Rational> expected = reference_scan(o, rounded, u, sem);
        BOOST_TEST(y == expected, boost::test_tools::per_element());
        BOOST_TEST(ar.flags().test(arith::Flag::inexact) == o.inexact(), "flags " << ar.flags().to_string());
        BOOST_TEST(!ar.flags().test(arith::Flag::overflow));
        BOOST_TEST(!ar.flags().test(arith::Flag::invalid));
        if (o.inexact()) ++inexact_runs;
        if (y.back() == 0) ++zero_outputs;
      }
    }
  }
  // Decisive: most runs round somewhere (otherwise the comparison would be exact arithmetic).
  BOOST_TEST(inexact_runs * 2 >= count * all_semantics().size());
  BOOST_TEST_MESSAGE(ar.name() << ": " << inexact_runs << " inexact runs, " << zero_outputs << " runs ending in an underflow to 0");
}

// A format and the arithmetic that emulates it: the binary64 fast path (SoftFloatArith) or, with
// mpfr_path, the MPFR path ("fp16:mpfr").
template <const testing::BinaryFormat& F, bool mpfr_path = false>
struct FormatCase {
  static const testing::BinaryFormat& format() { return F; }
  static std::string precision() { return std::string(F.name) + (mpfr_path ? ":mpfr" : ""); }
};

}  // namespace

using RoundedFormats = boost::mpl::list<FormatCase<testing::kFp32>, FormatCase<testing::kFp16>, FormatCase<testing::kBf16>,
                                        FormatCase<testing::kMpfr53>, FormatCase<testing::kFp32, true>, FormatCase<testing::kFp16, true>>;

BOOST_AUTO_TEST_CASE_TEMPLATE(recurrence_rounds_once_per_operation, F, RoundedFormats) {
  arith::with_arithmetic(arith::parse_precision(F::precision()), [&](const auto& ar) {
    using A = std::decay_t<decltype(ar)>;
    if constexpr (arith::PointArithmetic<A> && !A::is_exact) {
      check_against_oracle(ar, F::format());
    } else {
      BOOST_FAIL(F::precision() << " is not a rounded point arithmetic");
    }
  });
}

namespace {

// fp32 written out with native floats: each statement one IEEE operation (built with
// -ffp-contract=off, SSE arithmetic), in the order the semantics names.
std::vector<float> float_scan(const std::vector<float>& a, const std::vector<float>& b, const std::vector<float>& c,
                              const std::vector<float>& d, const std::vector<float>& u, std::size_t length, std::size_t state,
                              bool scalar_decay, bool pairwise) {
  std::vector<float> h(state, 0.0f), y;
  for (std::size_t t = 0; t < length; ++t) {
    for (std::size_t s = 0; s < state; ++s) {
      const float decayed = (scalar_decay ? a[t] : a[t * state + s]) * h[s];
      const float injected = b[t * state + s] * u[t];
      h[s] = decayed + injected;
    }
    std::vector<float> products;
    for (std::size_t s = 0; s < state; ++s) products.push_back(c[t * state + s] * h[s]);
    float out;
    if (pairwise) {
      out = testing::pairwise_sum(products, 0, state, [](float x, float z) { return x + z; });
    } else {
      out = products[0];
      for (std::size_t s = 1; s < state; ++s) out = out + products[s];
    }
    if (!d.empty()) {  // the skip term D, when present, is d[0]
      const float skip = d[0] * u[t];
      out = out + skip;
    }
    y.push_back(out);
  }
  return y;
}

std::vector<float> to_floats(testing::RoundingOracle& o, const std::vector<Rational>& xs) {
  std::vector<float> out;
  for (const Rational& q : xs) out.push_back(static_cast<float>(o.round(q).convert_to<double>()));
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(fp32_recurrence_is_a_plain_float_loop_bit_for_bit) {
  const arith::SoftFloatArith ar(std::get<arith::FloatSpec>(arith::parse_precision("fp32").spec).format);
  testing::RoundingOracle o(testing::kFp32);
  Rng rng(testing::seed() + 22);
  const std::uint64_t count = std::max<std::uint64_t>(testing::iterations(200), 16);
  std::uint64_t subnormal_outputs = 0;
  for (std::uint64_t it = 0; it < count; ++it) {
    const Instance inst = random_instance(rng, it);
    const ScanParams<Rational>& p = inst.params;
    const std::vector<float> a = to_floats(o, p.a), b = to_floats(o, p.b), c = to_floats(o, p.c), u = to_floats(o, inst.input);
    const std::vector<float> d = p.skip ? to_floats(o, {*p.skip}) : std::vector<float>();
    for (const bool pairwise : {false, true}) {
      const RoundingSemantics sem{Dot::per_operation, pairwise ? Order::pairwise : Order::sequential, std::nullopt};
      BOOST_TEST_CONTEXT("seed " << testing::seed() << ", iteration " << it << ", " << sem.to_string() << ", " << show(p)
                                 << ", u=" << show(inst.input)) {
        const auto input = from_rationals(ar, inst.input);
        const auto y = models::selective_scan(ar, models::to_arithmetic(ar, p, sem), std::span(input), sem);
        const std::vector<float> expected = float_scan(a, b, c, d, u, p.length, p.state, p.decay_kind == DecayKind::scalar, pairwise);
        for (std::size_t t = 0; t < p.length; ++t) {
          BOOST_TEST(std::bit_cast<std::uint64_t>(y[t].value()) == std::bit_cast<std::uint64_t>(static_cast<double>(expected[t])),
                     "t = " << t << ": library " << y[t].value() << ", float loop " << expected[t]);
          if (expected[t] != 0 && std::fpclassify(expected[t]) == FP_SUBNORMAL) ++subnormal_outputs;
        }
      }
    }
  }
  BOOST_TEST(subnormal_outputs > 0u);
}

BOOST_AUTO_TEST_CASE(mpfr53_recurrence_is_a_plain_double_loop_bit_for_bit) {
  const arith::MpfrArith ar(53);
  testing::RoundingOracle o(testing::kMpfr53);
  Rng rng(testing::seed() + 23);
  const std::uint64_t count = std::max<std::uint64_t>(testing::iterations(100), 8);
  for (std::uint64_t it = 0; it < count; ++it) {
    const Instance inst = random_instance(rng, it);
    const ScanParams<Rational>& p = inst.params;
    auto to_doubles = [&](const std::vector<Rational>& xs) {
      std::vector<double> out;
      for (const Rational& q : xs) out.push_back(o.round(q).convert_to<double>());
      return out;
    };
    const std::vector<double> a = to_doubles(p.a), b = to_doubles(p.b), c = to_doubles(p.c), u = to_doubles(inst.input);
    const RoundingSemantics sem;
    BOOST_TEST_CONTEXT("seed " << testing::seed() << ", iteration " << it << ", " << show(p) << ", u=" << show(inst.input)) {
      const auto input = from_rationals(ar, inst.input);
      const auto y = models::selective_scan(ar, models::to_arithmetic(ar, p, sem), std::span(input), sem);
      std::vector<double> h(p.state, 0.0);
      for (std::size_t t = 0; t < p.length; ++t) {
        for (std::size_t s = 0; s < p.state; ++s) {
          const double decayed = (p.decay_kind == DecayKind::scalar ? a[t] : a[t * p.state + s]) * h[s];
          const double injected = b[t * p.state + s] * u[t];
          h[s] = decayed + injected;
        }
        double out = c[t * p.state] * h[0];
        for (std::size_t s = 1; s < p.state; ++s) {
          const double product = c[t * p.state + s] * h[s];
          out = out + product;
        }
        if (p.skip) {
          const double skip = o.round(*p.skip).convert_to<double>() * u[t];
          out = out + skip;
        }
        BOOST_TEST(mpfr_get_d(y[t].get(), MPFR_RNDN) == out, "t = " << t);
        BOOST_TEST(mpfr_get_prec(y[t].get()) == 53);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(pairwise_order_is_the_balanced_tree) {
  // A hand-built case where the orders differ in fp32: (2^24 + 1) + 1 sequentially loses both
  // ones (2^24 + 1 is a tie, rounded to the even 2^24, twice); the pairwise tree of three terms,
  // 2^24 + (1 + 1), is exact: 2^24 + 2. One step, h = b u with b = (2^24, 1, 1), u = 1, c = 1.
  const arith::SoftFloatArith ar(std::get<arith::FloatSpec>(arith::parse_precision("fp32").spec).format);
  const ScanParams<Rational> p{1, 3, DecayKind::scalar, {Rational(1, 2)}, {pow2(24), 1, 1}, {1, 1, 1}, std::nullopt};
  const std::vector<Rational> u = {1};
  const auto input = from_rationals(ar, u);
  const RoundingSemantics sequential, pairwise{Dot::per_operation, Order::pairwise, std::nullopt}, fused{Dot::fused, Order::sequential, std::nullopt};
  BOOST_TEST(ar.to_rational(models::selective_scan(ar, models::to_arithmetic(ar, p, sequential), std::span(input), sequential)[0]) == pow2(24));
  BOOST_TEST(ar.to_rational(models::selective_scan(ar, models::to_arithmetic(ar, p, pairwise), std::span(input), pairwise)[0]) ==
             pow2(24) + 2);
  // Fused: the exact sum 2^24 + 2 is representable.
  BOOST_TEST(ar.to_rational(models::selective_scan(ar, models::to_arithmetic(ar, p, fused), std::span(input), fused)[0]) == pow2(24) + 2);
}

BOOST_AUTO_TEST_CASE(bf16_storage_equals_rounding_the_parameters_first) {
  const arith::SoftFloatArith ar(std::get<arith::FloatSpec>(arith::parse_precision("fp32").spec).format);
  testing::RoundingOracle bf16(testing::kBf16), fp32(testing::kFp32);
  Rng rng(testing::seed() + 24);
  const std::uint64_t count = std::max<std::uint64_t>(testing::iterations(60), 16);
  std::uint64_t changed = 0;
  for (std::uint64_t it = 0; it < count; ++it) {
    const Instance inst = random_instance(rng, it);
    const RoundingSemantics stored{Dot::per_operation, it % 2 ? Order::pairwise : Order::sequential, arith::parse_precision("bf16")};
    RoundingSemantics compute = stored;
    compute.storage.reset();
    BOOST_TEST_CONTEXT("seed " << testing::seed() << ", iteration " << it << ", " << stored.to_string() << ", " << show(inst.params)
                               << ", u=" << show(inst.input)) {
      const ScanParams<Rational> in_bf16 = round_params(bf16, inst.params);
      const auto via_storage = models::to_arithmetic(ar, inst.params, stored);
      const auto pre_rounded = models::to_arithmetic(ar, in_bf16, compute);
      BOOST_TEST(to_rationals(ar, via_storage.a) == in_bf16.a, boost::test_tools::per_element());
      BOOST_TEST(to_rationals(ar, via_storage.b) == in_bf16.b, boost::test_tools::per_element());
      BOOST_TEST(to_rationals(ar, via_storage.c) == in_bf16.c, boost::test_tools::per_element());
      BOOST_TEST(via_storage.skip.has_value() == in_bf16.skip.has_value());
      if (in_bf16.skip) BOOST_TEST(ar.to_rational(*via_storage.skip) == *in_bf16.skip);

      const auto input = from_rationals(ar, inst.input);
      const auto y_storage = to_rationals(ar, models::selective_scan(ar, via_storage, std::span(input), stored));
      const auto y_pre = to_rationals(ar, models::selective_scan(ar, pre_rounded, std::span(input), compute));
      BOOST_TEST(y_storage == y_pre, boost::test_tools::per_element());
      // And the state stays in fp32: the fp32 oracle on the bf16 parameters.
      std::vector<Rational> u;
      for (const Rational& q : inst.input) u.push_back(fp32.round(q));
      BOOST_TEST(y_storage == reference_scan(fp32, in_bf16, u, stored), boost::test_tools::per_element());
      const auto y_fp32 = to_rationals(ar, models::selective_scan(ar, models::to_arithmetic(ar, inst.params, compute), std::span(input), compute));
      if (y_fp32 != y_storage) ++changed;
    }
  }
  // Decisive: bf16 storage changes the output of most instances.
  BOOST_TEST(changed * 2 >= count);
  BOOST_TEST_MESSAGE("bf16 storage changes the output of " << changed << " of " << count << " instances");
}
