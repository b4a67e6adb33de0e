#define BOOST_TEST_MODULE slot_copy
#include "support/test_support.hpp"

#include "arith/precision.hpp"
#include "linalg/matrix.hpp"
#include "models/selective_scan.hpp"
#include "models/sequence_matrix.hpp"
#include "tasks/copy_check.hpp"
#include "tasks/exact_copy_check.hpp"
#include "tasks/slot_copy.hpp"
#include "tasks/slot_copy_eval.hpp"

using namespace freelunch;
using namespace freelunch::tasks;

namespace {

std::vector<CopySchedule> small_schedules() {
  return {full_copy_schedule(1), full_copy_schedule(5), reverse_schedule(6), shift_schedule(9, 3), distance_schedule(7),
          explicit_schedule(6, {{2, 0}, {4, 4}, {5, 1}})};
}

}  // namespace

// T3 in exact arithmetic: the dense sequence matrix is the copy pattern on every output row, for
// every split; the structural check agrees.
BOOST_AUTO_TEST_CASE(dense_matrix_is_the_copy_pattern) {
  for (const CopySchedule& s : small_schedules())
    for (auto [a, split] : {std::pair{Rational(1), Compensation::idealized}, std::pair{Rational(9, 10), Compensation::query},
                            std::pair{Rational(1, 3), Compensation::balanced}}) {
      BOOST_TEST_CONTEXT(s.name << " a=" << a << " " << to_string(split)) {
        const SlotCopyLayer layer(s, a, split);
        arith::RationalArith ar;
        const models::RoundingSemantics sem;
        const auto m = models::sequence_matrix(ar, models::to_arithmetic(ar, layer.dense(), sem), sem);
        const RowCopyError e = row_copy_error(m, s, Rational(0));
        BOOST_TEST(e.max_row_error == Rational(0));
        BOOST_TEST(judge_exact_copy_matrix(layer.dense(), s, sem).holds);
        BOOST_TEST(judge_exact_copy_freivalds(layer.dense(), s, 2, testing::seed(), sem).holds);
        BOOST_TEST(mean_squared_copy_error(m, s) == Rational(0));
      }
    }
}

// A wrong query exponent is caught by both checks (the checks can fail).
BOOST_AUTO_TEST_CASE(row_error_sees_a_broken_layer) {
  const CopySchedule s = full_copy_schedule(4);
  const SlotCopyLayer layer(s, Rational(1, 2), Compensation::query);
  auto params = layer.dense();
  params.c[(s.outputs[2]) * layer.slots() + layer.slot(s.sources[2])] *= 2;
  arith::RationalArith ar;
  const models::RoundingSemantics sem;
  const auto m = models::sequence_matrix(ar, models::to_arithmetic(ar, params, sem), sem);
  const RowCopyError e = row_copy_error(m, s, Rational(0));
  BOOST_TEST(e.max_row_error == Rational(1));
  BOOST_TEST(e.first_over.value() == 2u);
}

// The structured evaluation equals the dense scan bit for bit, in rounded arithmetics where the
// compensation overflows or underflows for the longer schedules.
BOOST_AUTO_TEST_CASE(structured_evaluation_equals_dense_scan) {
  std::size_t decisive = 0;
  for (const char* name : {"fp16", "bf16", "e4m3", "e5m2", "fix8.8", "fp32"})
    for (std::size_t length : {3, 9, 17, 33})
      for (auto split : {Compensation::query, Compensation::balanced}) {
        const CopySchedule s = full_copy_schedule(length);
        const SlotCopyLayer layer(s, Rational(1, 2), split);
        arith::with_arithmetic(arith::parse_precision(name), [&](const auto& ar) {
          using A = std::decay_t<decltype(ar)>;
          using V = typename A::value_type;
          if constexpr (arith::PointArithmetic<A>) {
          const models::RoundingSemantics sem;
          const auto p = models::to_arithmetic(ar, layer.dense(), sem);
          const ValueSet values = integers(3);
          const CopyOutcome structured = evaluate_slot_copy(ar, layer, values, CopyCriterion{}, sem);
          // Dense: one input sequence per value v, every source set to v.
          bool dense_copies = true;
          for (const Rational& v : values.values()) {
            std::vector<V> u;
            for (std::size_t t = 0; t < s.length; ++t) u.push_back(ar.from_rational(s.input_positions[t] ? v : Rational(0)));
            const auto y = models::selective_scan(ar, p, std::span<const V>(u), sem);
            for (std::size_t k = 0; k < s.outputs.size(); ++k) {
              const auto& out = y[s.outputs[k]];
              const bool ok = ar.is_finite(out) && CopyCriterion{}.admits(boost::multiprecision::abs(ar.to_rational(out) - v));
              dense_copies = dense_copies && ok;
            }
          }
          BOOST_TEST_CONTEXT(name << " L=" << length << " " << to_string(split)) { BOOST_TEST(structured.copies() == dense_copies); }
          decisive += structured.copies() ? 0 : 1;
          }
          return 0;
        });
      }
  BOOST_TEST_MESSAGE("structured vs dense: " << decisive << " failing configurations compared");
  BOOST_TEST(decisive >= 10u);  // the comparison must include failures, not only successes
}

// a = 1/2, query split, fp16: the query 2^L is finite up to L = 15 (2^16 > 65504): the last L that
// copies is 15, derived from the format's largest finite value alone.
BOOST_AUTO_TEST_CASE(fp16_query_split_threshold) {
  for (std::size_t length = 1; length <= 20; ++length) {
    const SlotCopyLayer layer(distance_schedule(length), Rational(1, 2), Compensation::query);
    arith::with_arithmetic(arith::parse_precision("fp16"), [&](const auto& ar) {
      const CopyOutcome o = evaluate_slot_copy(ar, layer, plus_minus_one(), CopyCriterion{}, models::RoundingSemantics{});
      BOOST_TEST_CONTEXT("L=" << length) { BOOST_TEST(o.copies() == (length <= 15)); }
      return 0;
    });
  }
}

// A state smaller than the number of sources: the first n sources keep their slots, the other
// outputs read an exact 0. The dense matrix shows it (rows of served outputs are the pattern,
// the others are zero), and the structured evaluation fails first at output n with error |v|.
BOOST_AUTO_TEST_CASE(too_small_a_state_drops_the_later_sources) {
  const std::size_t length = 10, state = 4;
  const SlotCopyLayer layer(full_copy_schedule(length), Rational(1, 2), Compensation::balanced, state);
  BOOST_TEST(layer.state() == state);
  BOOST_TEST(layer.slots() == state);
  arith::RationalArith ar;
  const models::RoundingSemantics sem;
  const auto m = models::sequence_matrix(ar, models::to_arithmetic(ar, layer.dense(), sem), sem);
  for (std::size_t r = 0; r < length; ++r)
    for (std::size_t j = 0; j < length; ++j) BOOST_TEST(m(length + r, j) == Rational(r == j && r < state ? 1 : 0));
  BOOST_TEST(judge_exact_copy_matrix(layer.dense(), layer.schedule(), sem).first_failure.value_or(99) == state);
  BOOST_TEST(judge_exact_copy_freivalds(layer.dense(), layer.schedule(), 1, testing::seed(), sem).first_failure.value_or(99) == state);
  const CopyOutcome o = evaluate_slot_copy(ar, layer, integers(2), CopyCriterion{}, sem);
  BOOST_TEST(!o.copies());
  BOOST_TEST(o.first_failure.value_or(99) == state);
  BOOST_TEST(o.max_error == Rational(2));
  // Enough state: nothing dropped.
  const SlotCopyLayer roomy(full_copy_schedule(length), Rational(1, 2), Compensation::balanced, length + 3);
  BOOST_TEST(judge_exact_copy_matrix(roomy.dense(), roomy.schedule(), sem).holds);
  BOOST_CHECK_THROW(SlotCopyLayer(full_copy_schedule(length), Rational(1, 2), Compensation::balanced, 0), UsageError);
}

// Associative recall: each query reads the last pair whose key matches; the slot layer copies it
// exactly in exact arithmetic (several queries may read the same slot).
BOOST_AUTO_TEST_CASE(associative_recall_schedule_and_copy) {
  const CopySchedule s = associative_recall_schedule({7, 3, 9, 3}, {9, 3, 7});
  BOOST_TEST(s.length == 7u);
  BOOST_TEST((s.outputs == std::vector<std::size_t>{4, 5, 6}));
  BOOST_TEST((s.sources == std::vector<std::size_t>{2, 3, 0}));  // token 3: the later pair
  BOOST_TEST((s.input_positions == std::vector<bool>{true, true, true, true, false, false, false}));
  BOOST_CHECK_THROW(associative_recall_schedule({1, 2}, {5}), UsageError);
  const CopySchedule r = random_recall_schedule(32, testing::seed());
  BOOST_TEST(r.outputs.size() == 32u);
  BOOST_TEST((r.sources == random_recall_schedule(32, testing::seed()).sources));  // reproducible
  for (auto split : {Compensation::query, Compensation::balanced})
    BOOST_TEST(judge_exact_copy_matrix(SlotCopyLayer(r, Rational(9, 10), split).dense(), r, models::RoundingSemantics{}).holds);
}
