#define BOOST_TEST_MODULE softmax_copy
#include "support/test_support.hpp"

#include <mpfr.h>

#include <algorithm>
#include <cmath>

#include "arith/precision.hpp"
#include "arith/scoped_mpfr.hpp"
#include "core/random.hpp"
#include "models/softmax_attention.hpp"
#include "tasks/precision_search.hpp"
#include "tasks/softmax_copy.hpp"
#include "tasks/softmax_copy_eval.hpp"

using namespace freelunch;
using namespace freelunch::tasks;

namespace {

constexpr long kBeta = 4, kBound = 3;

std::vector<CopySchedule> schedules(std::size_t length) {
  return {full_copy_schedule(length), shift_schedule(2 * length, 1), reverse_schedule(length)};
}

std::vector<std::size_t> all_rows(const CopySchedule& s) {
  std::vector<std::size_t> rows(s.outputs.size());
  for (std::size_t k = 0; k < rows.size(); ++k) rows[k] = k;
  return rows;
}

// y_i of the construction for input u, from the closed-form logits -β (j - p)^2 in MPFR at 200
// bits: an oracle that shares no code with the models (no queries, keys or dot products).
Rational direct_output(const CopySchedule& s, std::size_t k, const std::vector<long>& u) {
  arith::ScopedMpfr num(200), den(200), w(200), t(200);
  mpfr_set_zero(num.get(), 1);
  mpfr_set_zero(den.get(), 1);
  for (std::size_t j = 0; j <= s.outputs[k]; ++j) {
    const long d = static_cast<long>(j) - static_cast<long>(s.sources[k]);
    mpfr_set_si(w.get(), -kBeta * d * d, MPFR_RNDN);
    mpfr_exp(w.get(), w.get(), MPFR_RNDN);
    mpfr_add(den.get(), den.get(), w.get(), MPFR_RNDN);
    mpfr_mul_si(t.get(), w.get(), u[j], MPFR_RNDN);
    mpfr_add(num.get(), num.get(), t.get(), MPFR_RNDN);
  }
  mpfr_div(num.get(), num.get(), den.get(), MPFR_RNDN);
  Integer m;
  const mpfr_exp_t e = mpfr_get_z_2exp(m.backend().data(), num.get());
  return Rational(m) * pow2(e);
}

long least_p(const SoftmaxCopyLayer& layer, const std::vector<long>& u, const std::vector<std::size_t>& rows) {
  const models::RoundingSemantics sem;
  const PrecisionSearch s = least_passing_precision(
      [&](long p) {
        const arith::MpfrArith ar(p);
        return evaluate_softmax_copy(ar, layer, u, kBound, rows, sem, true).copies();
      },
      4, 64, 4);
  return s.least.value();
}

}  // namespace

// The construction's logits: Σ_c q_i[c] k_j[c] = -β (j - pos(i))^2 with 1-based positions, an
// integer multiple of β, 0 at the target and <= -β elsewhere; the exact evaluation through
// models::dot agrees (dyadic and rational paths).
BOOST_AUTO_TEST_CASE(logits_are_integers_times_beta) {
  for (std::size_t length : {1, 5, 16})
    for (const CopySchedule& s : schedules(length)) {
      BOOST_TEST_CONTEXT(s.name) {
        const SoftmaxCopyLayer layer(s, kBeta);
        const linalg::Matrix<Rational> q = layer.queries(), k = layer.keys();
        for (std::size_t r = 0; r < s.outputs.size(); ++r)
          for (std::size_t j = 0; j <= s.outputs[r]; ++j) {
            const Rational g = q(s.outputs[r], 0) * k(j, 0) + q(s.outputs[r], 1) * k(j, 1) + q(s.outputs[r], 2) * k(j, 2);
            const long d = static_cast<long>(j + 1) - static_cast<long>(s.sources[r] + 1);
            BOOST_TEST(g == Rational(-kBeta * d * d));
            BOOST_TEST(layer.logit(r, j) == g);
            BOOST_TEST((j == s.sources[r] ? g == 0 : g <= -kBeta));
          }
        BOOST_TEST(!first_wrong_logit(arith::DyadicArith{}, layer, all_rows(s), models::RoundingSemantics{}).has_value());
        BOOST_TEST(!first_wrong_logit(arith::RationalArith{}, layer, all_rows(s), models::RoundingSemantics{}).has_value());
      }
    }
  const SoftmaxCopyLayer layer(full_copy_schedule(3), kBeta);
  BOOST_TEST((layer.key(4) == std::array<Rational, 3>{1, 5, 25}));
  BOOST_TEST((layer.query(1) == std::array<Rational, 3>{-16, 16, -4}));  // pos = 2 (1-based), β = 4
}

// The logit check fails when the arithmetic cannot hold the products: 4 bits cannot represent
// the keys j^2 of L = 16; 64 bits represent everything at L = 64.
BOOST_AUTO_TEST_CASE(rounded_logits_are_caught) {
  const SoftmaxCopyLayer layer(full_copy_schedule(16), kBeta);
  BOOST_TEST(first_wrong_logit(arith::MpfrArith(4), layer, all_rows(layer.schedule()), models::RoundingSemantics{}).has_value());
  const SoftmaxCopyLayer wide(full_copy_schedule(64), kBeta);
  BOOST_TEST(!first_wrong_logit(arith::MpfrArith(64), wide, all_rows(wide.schedule()), models::RoundingSemantics{}).has_value());
}

// The model's row (interval128) encloses the direct 200-bit evaluation of the closed-form logits.
BOOST_AUTO_TEST_CASE(model_row_encloses_direct_softmax) {
  const arith::IntervalArith ar(128);
  for (const CopySchedule& s : schedules(12)) {
    BOOST_TEST_CONTEXT(s.name) {
      const SoftmaxCopyLayer layer(s, kBeta);
      const std::vector<long> u = random_integer_inputs(s, kBound, testing::seed());
      const auto to_interval = [&](const Rational& x) { return ar.from_rational(x); };
      models::SoftmaxAttention<arith::Interval> sa{layer.queries().map(to_interval), layer.keys().map(to_interval),
                                                   linalg::Matrix<arith::Interval>(s.length, 1, ar.from_int(0))};
      for (std::size_t t = 0; t < s.length; ++t) sa.v(t, 0) = ar.from_int(u[t]);
      for (std::size_t k = 0; k < s.outputs.size(); ++k) {
        const arith::Interval y = models::softmax_attention_row(ar, sa, s.outputs[k], models::RoundingSemantics{})[0];
        BOOST_TEST(ar.contains(y, direct_output(s, k, u)), "output " << k << " u=" << u[s.sources[k]]);
        BOOST_TEST(ar.width(y) < 1e-30);
      }
    }
  }
}

// Decoded COPY in high precision, certified and rounded, with the error inside the construction's
// bound 2V · 2e^-β/(1 - e^-β) = 0.2238...
BOOST_AUTO_TEST_CASE(copies_in_high_precision) {
  const models::RoundingSemantics sem;
  for (std::size_t length : {8, 32})
    for (const CopySchedule& s : schedules(length)) {
      BOOST_TEST_CONTEXT(s.name) {
        const SoftmaxCopyLayer layer(s, kBeta);
        const std::vector<long> u = random_integer_inputs(s, kBound, testing::seed() + length);
        const CopyOutcome certified = evaluate_softmax_copy(arith::IntervalArith(128), layer, u, kBound, all_rows(s), sem, false);
        BOOST_TEST(certified.copies(), certified.describe());
        BOOST_TEST(certified.max_error < Rational(2239, 10000));
        BOOST_TEST(certified.max_error > Rational(1, 10));  // the worst case is near the bound
        const CopyOutcome rounded = evaluate_softmax_copy(arith::MpfrArith(113), layer, u, kBound, all_rows(s), sem, false);
        BOOST_TEST(rounded.copies(), rounded.describe());
        BOOST_TEST(rounded.max_error < Rational(2239, 10000));
      }
    }
}

// The worst-case columns bound every input: at 200 bits, for random inputs in [-V, V], the error
// y - u_p of a row lies between the errors of the two worst cases.
BOOST_AUTO_TEST_CASE(worst_cases_bound_random_inputs) {
  const arith::MpfrArith ar(200);
  const CopySchedule s = full_copy_schedule(6);
  const SoftmaxCopyLayer layer(s, kBeta);
  Rng rng(testing::seed());
  const std::size_t draws = 40;
  const auto to_mpfr = [&](const Rational& x) { return ar.from_rational(x); };
  for (std::size_t k = 0; k < s.outputs.size(); ++k) {
    const std::size_t p = s.sources[k];
    models::SoftmaxAttention<arith::MpfrValue> sa{layer.queries().map(to_mpfr), layer.keys().map(to_mpfr),
                                                  linalg::Matrix<arith::MpfrValue>(s.length, draws + 1, ar.from_int(0))};
    for (std::size_t t = 0; t < s.length; ++t)
      if (s.input_positions[t]) sa.v(t, 0) = ar.from_int(t == p ? -kBound : kBound);  // the largest error
    std::vector<long> target(draws + 1, -kBound);
    for (std::size_t c = 1; c <= draws; ++c)
      for (std::size_t t = 0; t < s.length; ++t)
        if (s.input_positions[t]) {
          const long v = static_cast<long>(rng.uniform(-kBound, kBound));
          sa.v(t, c) = ar.from_int(v);
          if (t == p) target[c] = v;
        }
    const auto y = models::softmax_attention_row(ar, sa, s.outputs[k], models::RoundingSemantics{});
    const Rational worst = ar.to_rational(y[0]) - Rational(-kBound);
    for (std::size_t c = 1; c <= draws; ++c) {
      const Rational error = ar.to_rational(y[c]) - Rational(target[c]);
      BOOST_TEST(error <= worst);
      BOOST_TEST(-error <= worst);  // the negated worst case, by symmetry
    }
  }
}

// Low precision fails, and says where: mpfr6 cannot hold the keys of L = 64; interval8 cannot
// certify.
BOOST_AUTO_TEST_CASE(low_precision_fails) {
  const CopySchedule s = full_copy_schedule(64);
  const SoftmaxCopyLayer layer(s, kBeta);
  const std::vector<long> u = random_integer_inputs(s, kBound, testing::seed());
  const CopyOutcome o = evaluate_softmax_copy(arith::MpfrArith(6), layer, u, kBound, all_rows(s), models::RoundingSemantics{}, true);
  BOOST_TEST(!o.copies());
  BOOST_TEST(o.first_failure.has_value());
  BOOST_TEST(o.failing_value.has_value());
  BOOST_TEST(o.describe().find("fails at output") == 0u);
  const CopyOutcome c = evaluate_softmax_copy(arith::IntervalArith(8), layer, u, kBound, all_rows(s), models::RoundingSemantics{}, true);
  BOOST_TEST(!c.copies());
}

// P* grows with L and stays near 2 log2 L (THEORY: about 2 log2 L + c bits).
BOOST_AUTO_TEST_CASE(least_precision_is_plausible) {
  long previous = 0;
  for (std::size_t e : {4, 5, 6}) {
    const std::size_t length = std::size_t{1} << e;
    const CopySchedule s = full_copy_schedule(length);
    const SoftmaxCopyLayer layer(s, kBeta);
    const long p = least_p(layer, random_integer_inputs(s, kBound, testing::seed()), all_rows(s));
    BOOST_TEST_MESSAGE("full L=" << length << " P*=" << p);
    BOOST_TEST(p >= static_cast<long>(2 * e) - 3);
    BOOST_TEST(p <= static_cast<long>(2 * e) + 5);
    BOOST_TEST(p > previous);
    previous = p;
  }
}

// The row sample of large L is chosen so that it finds the threshold: at L = 64 the P* of the
// sample (forced by a small limit) equals the P* of all rows, for every schedule.
BOOST_AUTO_TEST_CASE(sample_finds_the_threshold_of_all_rows) {
  for (const CopySchedule& s : schedules(64)) {
    BOOST_TEST_CONTEXT(s.name) {
      const SoftmaxCopyLayer layer(s, kBeta);
      const std::vector<long> u = random_integer_inputs(s, kBound, testing::seed());
      const RowSample sample = sample_rows(s, 16);
      BOOST_TEST(!sample.all());
      BOOST_TEST(least_p(layer, u, hardest_first(s, sample.outputs)) == least_p(layer, u, all_rows(s)));
    }
  }
}

BOOST_AUTO_TEST_CASE(row_sample_shape) {
  const CopySchedule s = reverse_schedule(1024);
  const RowSample r = sample_rows(s, 512);
  BOOST_TEST(r.total == 1024u);
  BOOST_TEST(!r.all());
  BOOST_TEST(r.outputs.size() <= 40u);
  BOOST_TEST(std::is_sorted(r.outputs.begin(), r.outputs.end()));
  BOOST_TEST((std::adjacent_find(r.outputs.begin(), r.outputs.end()) == r.outputs.end()));
  BOOST_TEST(r.outputs.front() == 0u);
  BOOST_TEST(r.outputs.back() == 1023u);
  BOOST_TEST(r.describe().find("sampled (" + std::to_string(r.outputs.size()) + " of 1024 rows") == 0u);
  // Reverse: the largest source positions are the first outputs; hardest_first starts there.
  const auto hard = hardest_first(s, r.outputs);
  BOOST_TEST(hard.front() == 0u);
  BOOST_TEST(s.sources[hard[1]] < s.sources[hard[0]]);
  const RowSample small = sample_rows(full_copy_schedule(100), 512);
  BOOST_TEST(small.all());
  BOOST_TEST(small.describe() == "all 100 rows");
}

BOOST_AUTO_TEST_CASE(random_inputs_are_reproducible) {
  const CopySchedule s = full_copy_schedule(50);
  const std::vector<long> a = random_integer_inputs(s, kBound, 7), b = random_integer_inputs(s, kBound, 7),
                          c = random_integer_inputs(s, kBound, 8);
  BOOST_TEST(a == b);
  BOOST_TEST(a != c);
  for (std::size_t t = 0; t < s.length; ++t) {
    BOOST_TEST(std::abs(a[t]) <= kBound);
    if (!s.input_positions[t]) BOOST_TEST(a[t] == 0);
  }
  BOOST_CHECK_THROW(random_integer_inputs(s, 0, 1), UsageError);
}

// Perturbed constructions (T2's falsifiers) are rejected by the same checks, the genuine layer is
// not: a key entry off by one by the logit check (at the first row that reads it), a query that
// points at the next position and β = 1 by decoded COPY, as certified failures (not undecided).
BOOST_AUTO_TEST_CASE(perturbed_layers_are_rejected) {
  const models::RoundingSemantics sem;
  const arith::IntervalArith ar(128);
  const CopySchedule s = full_copy_schedule(16);
  const std::vector<long> u = random_integer_inputs(s, kBound, testing::seed());
  const SoftmaxCopyLayer genuine(s, kBeta);
  BOOST_TEST(!first_wrong_logit(arith::DyadicArith{}, genuine, all_rows(s), sem).has_value());
  BOOST_TEST(evaluate_softmax_copy(ar, genuine, u, kBound, all_rows(s), sem, false).holds().is_true());

  SoftmaxCopyLayer key_off = genuine;
  key_off.replace_key(4, {Rational(1), Rational(5), Rational(26)});
  BOOST_TEST((key_off.key(4) == std::array<Rational, 3>{1, 5, 26}));
  BOOST_TEST(key_off.logit(0, 4) == genuine.logit(0, 4));  // the closed form stays the genuine one
  const auto wrong = first_wrong_logit(arith::DyadicArith{}, key_off, all_rows(s), sem);
  BOOST_REQUIRE(wrong.has_value());
  BOOST_TEST(wrong->first == 0u);
  BOOST_TEST(wrong->second == 4u);

  SoftmaxCopyLayer query_off = genuine;
  query_off.replace_query(3, genuine.query_at(s.sources[3] + 1));
  BOOST_TEST((query_off.query(3) == genuine.query(4)));  // full copy: output 4 reads position 5
  const CopyOutcome misread = evaluate_softmax_copy(ar, query_off, u, kBound, all_rows(s), sem, false);
  BOOST_TEST(misread.holds().is_false());
  BOOST_TEST(misread.first_failure.value() == 3u);

  const CopyOutcome blunt = evaluate_softmax_copy(ar, SoftmaxCopyLayer(s, 1), u, kBound, all_rows(s), sem, false);
  BOOST_TEST(blunt.holds().is_false());
  BOOST_CHECK_THROW(key_off.replace_key(s.length, {Rational(1), Rational(1), Rational(1)}), UsageError);
  BOOST_CHECK_THROW(query_off.replace_query(s.outputs.size(), {Rational(1), Rational(1), Rational(1)}), UsageError);
}
