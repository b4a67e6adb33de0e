#define BOOST_TEST_MODULE dp_generate
#include "support/test_support.hpp"

#include <vector>

#include "arith/errors.hpp"
#include "arith/exact.hpp"
#include "arith/interval.hpp"
#include "arith/mpfr_arith.hpp"
#include "arith/precision.hpp"
#include "arith/soft_float.hpp"
#include "dp/generate.hpp"

using namespace freelunch;
using namespace freelunch::dp;

namespace {

const models::RoundingSemantics kSem;

arith::FpFormat format(const std::string& name) { return std::get<arith::FloatSpec>(arith::parse_precision(name).spec).format; }

std::vector<Problem> problems() {
  return {Problem(ProblemKind::halfindex_mod, 7), Problem(ProblemKind::lis), Problem(ProblemKind::kadane),
          Problem(ProblemKind::robber), Problem(ProblemKind::trib_mod, 5)};
}

}  // namespace

// Every Mamba model writes the exact CoT in exact arithmetic for small T, on several inputs.
BOOST_AUTO_TEST_CASE(mamba_models_write_the_exact_cot_in_exact_arithmetic) {
  const arith::DyadicArith ar;
  for (const Problem& p : problems())
    for (ModelKind kind : {ModelKind::mamba_general, ModelKind::mamba_local}) {
      if (!applies(kind, p)) continue;
      for (std::size_t length : {1u, 2u, 7u, 33u})
        for (std::uint64_t seed = 1; seed <= 3; ++seed) {
          const auto s = p.random_input(length, seed);
          const CotOutcome out = generate_cot(ar, p, make_model(kind, p, length), s, kSem);
          BOOST_TEST(out.correct(), p.name() << " " << to_string(kind) << " T=" << length << " seed=" << seed);
          BOOST_TEST(out.complete);
          BOOST_TEST(out.cot.size() == length);
          if (kind == ModelKind::mamba_general) BOOST_TEST(out.max_readout_error == 0);  // exact COPY, exact f
        }
    }
}

// The softmax baselines write the CoT in MPFR and, certified, in intervals.
BOOST_AUTO_TEST_CASE(softmax_models_write_the_cot_in_mpfr_and_intervals) {
  const arith::MpfrArith mp(64);
  const arith::IntervalArith iv(64);
  for (const Problem& p : problems())
    for (ModelKind kind : {ModelKind::transformer, ModelKind::transformer_window}) {
      if (!applies(kind, p)) continue;
      for (std::size_t length : {1u, 5u, 24u}) {
        const auto s = p.random_input(length, 7);
        const Model m = make_model(kind, p, length);
        BOOST_TEST(generate_cot(mp, p, m, s, kSem).correct(), p.name() << " " << m.describe() << " T=" << length);
        const CotOutcome certified = generate_cot(iv, p, m, s, kSem);
        BOOST_TEST(certified.correct(), p.name() << " " << m.describe() << " T=" << length << " " << to_string(certified.state));
      }
    }
}

// The local construction's read error stays below 1/4 (a^w <= 1/(4V + 1)), and the read-out of
// Kadane (no staircase) is within it.
BOOST_AUTO_TEST_CASE(local_reads_are_within_a_quarter) {
  const arith::DyadicArith ar;
  const Problem p(ProblemKind::kadane);
  const auto s = p.random_input(64, 3);
  const CotOutcome out = generate_cot(ar, p, make_model(ModelKind::mamba_local, p, 64), s, kSem);
  BOOST_TEST(out.correct());
  BOOST_TEST(out.max_readout_error > 0);  // the cyclic slots do leak, a little
  BOOST_TEST(out.max_readout_error < Rational(1, 2));
}

// Counters equal their closed forms, and the counting-only mode counts the same as evaluation.
BOOST_AUTO_TEST_CASE(counters_match_closed_forms) {
  const arith::DyadicArith ar;
  const arith::MpfrArith mp(64);
  for (const Problem& p : problems())
    for (ModelKind kind : all_model_kinds()) {
      if (!applies(kind, p)) continue;
      for (std::size_t length : {1u, 6u, 17u}) {
        const auto s = p.random_input(length, 11);
        const Model m = make_model(kind, p, length);
        const CotOutcome counted = generate_cot(ar, p, m, s, kSem, CotOptions{false, true, {}});
        const CotOutcome computed = m.is_mamba() ? generate_cot(ar, p, m, s, kSem) : generate_cot(mp, p, m, s, kSem);
        BOOST_TEST(counted.counters.mul_adds_total == computed.counters.mul_adds_total, p.name() << " " << m.describe());
        BOOST_TEST(counted.counters.state_numbers == computed.counters.state_numbers);
        BOOST_TEST(counted.counters.mul_adds_last_step == computed.counters.mul_adds_last_step);

        const std::uint64_t n = 2 * length + 1;  // stream positions
        const std::uint64_t heads = p.aggregates() ? 1 : p.dependencies(1).size();
        const std::uint64_t net = p.transition(1, length).mul_adds();
        if (kind == ModelKind::mamba_local) {
          // w numbers per channel; 2w per absorb, w per read, per channel.
          const std::uint64_t w = m.window;
          BOOST_TEST(counted.counters.state_numbers == heads * w);
          BOOST_TEST(counted.counters.mul_adds_total == heads * (2 * w * n + w * length) + net * length);
        }
        if (kind == ModelKind::mamba_general && !p.aggregates()) {
          BOOST_TEST(counted.counters.state_numbers == heads * n);
          BOOST_TEST(counted.counters.mul_adds_total == heads * (2 * n * n + n * length) + net * length);
        }
        if (kind == ModelKind::transformer) {
          // The KV cache holds 4 numbers per position per head; a read at position t costs 4(t+1).
          BOOST_TEST(counted.counters.state_numbers == heads * 4 * n);
          std::uint64_t reads = 0;
          const Stream st = Stream::for_problem(p, length);
          for (std::size_t i = 1; i <= length; ++i) reads += 4 * (st.generating_position(i) + 1);
          BOOST_TEST(counted.counters.mul_adds_total == heads * reads + net * length);
        }
        if (kind == ModelKind::transformer_window) BOOST_TEST(counted.counters.state_numbers == heads * 4 * std::min<std::uint64_t>(m.window, n));
      }
    }
}

// fp16 represents the integers up to 2048 exactly and 2049 not: Kadane on the all-ones input
// (dp(i) = i) is right up to dp(2048) and wrong at dp(2049), on the local model.
BOOST_AUTO_TEST_CASE(kadane_fails_in_fp16_past_2048) {
  const arith::SoftFloatArith fp16(format("fp16"));
  const Problem p(ProblemKind::kadane);
  const std::vector<long> ones(2100, 1);
  const CotOutcome out = generate_cot(fp16, p, make_model(ModelKind::mamba_local, p, ones.size()), ones, kSem, CotOptions{true, false, {}});
  BOOST_TEST(!out.correct());
  BOOST_REQUIRE(out.first_wrong.has_value());
  BOOST_TEST(*out.first_wrong == 2049u);
  // 2049 lies between the fp16 neighbours 2048 and 2050.
  const long got = out.first_wrong_token.value_or(0);
  BOOST_TEST((got == 2048 || got == 2050), "token " << got);
  const arith::SoftFloatArith fp32(format("fp32"));
  BOOST_TEST(generate_cot(fp32, p, make_model(ModelKind::mamba_local, p, ones.size()), ones, kSem).correct());
}

BOOST_AUTO_TEST_CASE(models_that_do_not_apply_are_usage_errors) {
  BOOST_CHECK_THROW(make_model(ModelKind::mamba_local, Problem(ProblemKind::halfindex_mod), 8), UsageError);
  BOOST_CHECK_THROW(make_model(ModelKind::transformer_window, Problem(ProblemKind::lis), 8), UsageError);
  BOOST_CHECK_THROW(make_model(ModelKind::transformer, Problem(ProblemKind::lis), 8), UsageError);
  BOOST_CHECK_THROW(parse_model("rnn"), UsageError);
  // exp does not exist in exact: the softmax models are a usage error there.
  const Problem p(ProblemKind::robber);
  BOOST_CHECK_THROW(generate_cot(arith::DyadicArith{}, p, make_model(ModelKind::transformer, p, 4), {1, 2, 3, 4}, kSem), UsageError);
}

// The slot layer with reused entries (SlotLimit): with the entries the packing needs it writes the
// exact CoT in exact and in fp64 (the rounded path clears an entry through a decay of 0), with
// one entry fewer it drops a source and is wrong, in both, at the same first step.
BOOST_AUTO_TEST_CASE(slot_layer_with_reused_entries) {
  const Problem p(ProblemKind::halfindex_mod, 7);
  const std::size_t length = 33;
  const detail::SlotPlan plan = detail::reuse_slots(p, Stream::for_problem(p, length), 1, 0);
  BOOST_TEST(plan.needed == 9u);  // dp(8..16) are alive at the generation of dp(17)
  const arith::SoftFloatArith fp64(format("fp64"));
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const auto s = p.random_input(length, seed);
    Model m = make_model(ModelKind::mamba_general, p, length);
    m.slot_limit = SlotLimit{1, plan.needed};
    BOOST_TEST(generate_cot(arith::DyadicArith{}, p, m, s, kSem).correct(), "seed " << seed);
    BOOST_TEST(generate_cot(fp64, p, m, s, kSem).correct(), "seed " << seed);
    m.slot_limit = SlotLimit{1, plan.needed - 1};
    const CotOutcome exact = generate_cot(arith::DyadicArith{}, p, m, s, kSem);
    const CotOutcome rounded = generate_cot(fp64, p, m, s, kSem);
    BOOST_TEST(exact.first_wrong.value_or(0) == rounded.first_wrong.value_or(0), "seed " << seed);
  }
  Model m = make_model(ModelKind::mamba_general, p, length);
  m.slot_limit = SlotLimit{1, plan.needed - 1};
  BOOST_TEST(!generate_cot(arith::DyadicArith{}, p, m, p.random_input(length, 1), kSem).correct());
}
