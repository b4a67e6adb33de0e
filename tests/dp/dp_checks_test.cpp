#define BOOST_TEST_MODULE dp_checks
#include "support/test_support.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "arith/mpfr_arith.hpp"
#include "arith/precision.hpp"
#include "arith/soft_float.hpp"
#include "dp/checks.hpp"
#include "dp/generate.hpp"
#include "linalg/rank.hpp"

using namespace freelunch;
using namespace freelunch::dp;

// The rank bound of T4: the formula ⌈⌊T/2⌋/2⌉ (derived in checks.cpp) equals the exact rank the
// check computes from the schedule, at odd and even T; a claim one above fails.
BOOST_AUTO_TEST_CASE(halfindex_rank_equals_the_formula) {
  for (std::size_t length : {2u, 3u, 4u, 5u, 8u, 16u, 64u, 100u, 101u}) {
    const long claim = halfindex_rank_claim(length);
    const CheckResult r = halfindex_rank_bound(length, claim);
    BOOST_TEST(to_string(r.verdict) == to_string(Verdict::verified), "T=" << length << ": " << r.detail);
    BOOST_TEST(r.data["rank"].get<long>() == claim, "T=" << length);
    BOOST_TEST(to_string(halfindex_rank_bound(length, claim + 1).verdict) == to_string(Verdict::fails));
  }
  BOOST_TEST(halfindex_rank_claim(1024) == 256);
}

// The split the check uses is the best one: the whole semiseparable rank profile of the
// dp(⌊i/2⌋) head's copy matrix over the stream (built here independently: row T + i - 1 reads
// column T + ⌊i/2⌋, or 0 for i = 1) never exceeds the claim and reaches it.
BOOST_AUTO_TEST_CASE(halfindex_rank_profile_peaks_at_the_claim) {
  for (std::size_t length : {16u, 17u, 32u}) {
    const std::size_t n = 2 * length + 1;
    linalg::Matrix<Rational> m(n, n, Rational(0));
    for (std::size_t i = 1; i <= length; ++i) m(length + i - 1, i / 2 == 0 ? 0 : length + i / 2) = 1;
    const std::vector<long> profile = linalg::semiseparable_rank_profile(m);
    const long best = *std::max_element(profile.begin(), profile.end());
    BOOST_TEST(best == halfindex_rank_claim(length), "T=" << length);
  }
}

// The slot layer of the witness: with the entries it needs it copies exactly (a position-only
// layer one above the bound at these T), and with rank - 1 entries it is wrong on some input.
BOOST_AUTO_TEST_CASE(small_state_layer_is_wrong_below_the_rank) {
  for (std::size_t length : {16u, 64u, 65u}) {
    const std::size_t needed = halfindex_slots_needed(length);
    const auto claim = static_cast<std::size_t>(halfindex_rank_claim(length));
    BOOST_TEST(needed >= claim);
    BOOST_TEST(needed <= claim + 2);
    const CheckResult enough = small_state_witness(length, needed, 5, 1);
    BOOST_TEST(to_string(enough.verdict) == to_string(Verdict::fails), enough.detail);  // no witness: it copies
    BOOST_TEST(enough.data["dropped_sources"].get<std::size_t>() == 0u);
    const CheckResult below = small_state_witness(length, claim - 1, 5, 1);
    BOOST_TEST(to_string(below.verdict) == to_string(Verdict::verified), below.detail);
    BOOST_TEST(below.detail.find("witness: input") != std::string::npos);
  }
}

// Grids are sets: consecutive powers of two compress, anything else is listed.
BOOST_AUTO_TEST_CASE(length_sets_are_written_as_sets) {
  BOOST_TEST(length_set({8, 64, 256}) == "{8, 64, 256}");
  BOOST_TEST(length_set(cost_lengths()) == "{2^k : k = 6..16}");
  BOOST_TEST(length_set({1, 2, 4}) == "{1, 2, 4}");
  BOOST_TEST(length_set(powers_of_two_up_to(1024)) == "{2^k : k = 0..10}");
}

// Counted costs: slope 1 for the local model, 2 for the general one, on the same problem.
BOOST_AUTO_TEST_CASE(cost_slopes_separate_local_from_general) {
  const Problem p(ProblemKind::trib_mod, 7);
  const std::vector<std::size_t> lengths{64, 128, 256, 512, 1024};
  const CheckResult local = cost_series(p, ModelKind::mamba_local, lengths, 1.0, 1, 0);
  const CheckResult general = cost_series(p, ModelKind::mamba_general, lengths, 2.0, 1, 0);
  BOOST_TEST(to_string(local.verdict) == to_string(Verdict::measured));
  BOOST_TEST(to_string(general.verdict) == to_string(Verdict::measured));
  BOOST_TEST(std::abs(local.data["slope_total"].get<double>() - 1.0) < 0.02);
  BOOST_TEST(std::abs(general.data["slope_total"].get<double>() - 2.0) < 0.1);
  BOOST_TEST(local.data["slope_state"].get<double>() == 0.0, boost::test_tools::tolerance(1e-9));
  // A prediction that does not hold is reported as a failure.
  BOOST_TEST(to_string(cost_series(p, ModelKind::mamba_local, lengths, 2.0, 1, 0).verdict) == to_string(Verdict::fails));
}

// The count-only mode of the cost sweeps against what the evaluator executes, on every model and
// problem, for T in {64, 128} (here, under a second; the proofs run both on every T up to
// executed_cost_cap, where cost_series compares them itself and fails on a difference): every
// counter equal, the points labelled "executed" up to the cap and "by structure" beyond.
BOOST_AUTO_TEST_CASE(count_only_mode_equals_the_executed_counts) {
  for (ProblemKind pk : all_problem_kinds()) {
    const Problem p(pk, 7);
    for (ModelKind kind : all_model_kinds()) {
      if (!applies(kind, p)) continue;
      for (std::size_t length : {64u, 128u}) {
        const Model m = make_model(kind, p, length);
        const auto input = p.random_input(length, input_seed(1, length, 0));
        const CotOutcome counted = generate_cot(arith::DyadicArith{}, p, m, input, {}, CotOptions{false, true, {}});
        const CotOutcome executed =
            m.is_mamba() ? generate_cot(arith::DyadicArith{}, p, m, input, {})
                         : generate_cot(arith::MpfrArith(softmax_precision_bits(length)), p, m, input, {});
        BOOST_REQUIRE(executed.complete);
        const std::string what = p.name() + " " + m.describe() + " T=" + std::to_string(length);
        BOOST_TEST(counted.counters.mul_adds_total == executed.counters.mul_adds_total, what);
        BOOST_TEST(counted.counters.mul_adds_last_step == executed.counters.mul_adds_last_step, what);
        BOOST_TEST(counted.counters.mul_adds_max_step == executed.counters.mul_adds_max_step, what);
        BOOST_TEST(counted.counters.state_numbers == executed.counters.state_numbers, what);
        BOOST_TEST(counted.counters.relu_units == executed.counters.relu_units, what);
      }
    }
  }
  const CheckResult r = cost_series(Problem(ProblemKind::robber), ModelKind::mamba_local, {64, 128, 256}, 1.0, 1, 128);
  BOOST_TEST(to_string(r.verdict) == to_string(Verdict::measured), r.detail);
  BOOST_TEST(r.data["points"][1]["counted"].get<std::string>() == "executed");
  BOOST_TEST(r.data["points"][2]["counted"].get<std::string>() == "by structure");
  BOOST_TEST(r.detail.find("counted by structure for T in {256}") != std::string::npos, r.detail);
}

// Kadane on mamba-local in fp16: the first wrong token is the first value fp16 cannot represent
// (native _Float16 as the oracle), on seeded inputs whose values grow past 2048.
BOOST_AUTO_TEST_CASE(kadane_fp16_fails_at_the_first_unrepresentable_value) {
  const Problem p(ProblemKind::kadane);
  const arith::SoftFloatArith fp16(std::get<arith::FloatSpec>(arith::parse_precision("fp16").spec).format);
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const std::size_t length = 4096;
    const auto input = p.random_input(length, seed);
    const auto dp_values = p.solve(input);
    std::optional<std::size_t> oracle;
    for (std::size_t i = 0; i < length && !oracle; ++i)
      if (static_cast<long>(static_cast<_Float16>(static_cast<float>(dp_values[i]))) != dp_values[i]) oracle = i + 1;
    BOOST_REQUIRE(oracle.has_value());
    const CotOutcome out = generate_cot(fp16, p, make_model(ModelKind::mamba_local, p, length), input, models::RoundingSemantics{},
                                        CotOptions{true, false, {}});
    BOOST_REQUIRE(out.first_wrong.has_value());
    BOOST_TEST(*out.first_wrong == *oracle, "seed " << seed);
  }
}

// The precision search reports the largest passing power of two and the first failure; it is a
// measurement, a check only where a prediction is given.
BOOST_AUTO_TEST_CASE(precision_search_reports_the_first_failure) {
  const Problem p(ProblemKind::trib_mod, 7);
  const arith::Precision fp16_name = arith::parse_precision("fp16");
  const CheckResult fp16 = largest_correct_length(p, ModelKind::mamba_local, 1024, 1, fp16_name, {});
  BOOST_TEST(fp16.data["reached_cap"].get<bool>());
  BOOST_TEST(fp16.data["largest"].get<std::size_t>() == 1024u);
  BOOST_TEST(to_string(fp16.verdict) == to_string(Verdict::measured));
  BOOST_TEST(predicted_correct_up_to(p, ModelKind::mamba_local, fp16_name, 1024).value_or(0) == 1024u);
  BOOST_TEST(!predicted_correct_up_to(p, ModelKind::mamba_local, arith::parse_precision("bf16"), 1024).has_value());
  BOOST_TEST(!predicted_correct_up_to(Problem(ProblemKind::kadane), ModelKind::mamba_local, fp16_name, 1024).has_value());
  const CheckResult predicted = largest_correct_length(p, ModelKind::mamba_local, 1024, 1, fp16_name, {}, 1024);
  BOOST_TEST(to_string(predicted.verdict) == to_string(Verdict::holds_numerically));
  const CheckResult mg = largest_correct_length(Problem(ProblemKind::halfindex_mod, 7), ModelKind::mamba_general, 1024, 1, fp16_name, {});
  // a = 1/2 with keys a^-⌈D/2⌉: fp16's largest finite 65504 < 2^16 bounds the distance.
  BOOST_TEST(!mg.data["reached_cap"].get<bool>());
  BOOST_TEST(mg.data["largest"].get<std::size_t>() <= 64u);
  const CheckResult na = largest_correct_length(p, ModelKind::transformer_window, 64, 1, arith::parse_precision("exact"), {});
  BOOST_TEST(to_string(na.verdict) == to_string(Verdict::not_applicable));
}

BOOST_AUTO_TEST_CASE(check_cot_verifies_in_exact) {
  const CheckResult r = check_cot(Problem(ProblemKind::robber), ModelKind::mamba_local, 64, 5, 1, arith::parse_precision("exact"), {});
  BOOST_TEST(to_string(r.verdict) == to_string(Verdict::verified));
  const CheckResult f = check_cot(Problem(ProblemKind::kadane), ModelKind::mamba_local, 4096, 2, 1, arith::parse_precision("fp16"), {});
  BOOST_TEST(to_string(f.verdict) == to_string(Verdict::fails));
  BOOST_TEST(f.detail.find("first wrong token dp(") != std::string::npos);
}

// An enclosure that straddles a rounding boundary is undecided, never fails or verified (THEORY
// §4): transformer-window in 10-bit intervals certifies no token at an early step; the CoT check
// and the precision search say undecided, and with a prediction the search is undecided too.
BOOST_AUTO_TEST_CASE(undecided_enclosures_stay_undecided) {
  const Problem p(ProblemKind::trib_mod, 7);
  const arith::Precision narrow = arith::parse_precision("interval10");
  const CheckResult cot = check_cot(p, ModelKind::transformer_window, 16, 3, 1, narrow, {});
  BOOST_TEST(to_string(cot.verdict) == to_string(Verdict::undecided), cot.detail);
  BOOST_TEST(cot.detail.find("undecided") != std::string::npos);
  const CheckResult search = largest_correct_length(p, ModelKind::transformer_window, 64, 1, narrow, {});
  BOOST_TEST(to_string(search.verdict) == to_string(Verdict::undecided), search.detail);
  BOOST_TEST(search.data["undecided"].get<bool>());
  const CheckResult predicted = largest_correct_length(p, ModelKind::transformer_window, 64, 1, narrow, {}, 64);
  BOOST_TEST(to_string(predicted.verdict) == to_string(Verdict::undecided), predicted.detail);
  // Wide enough intervals certify every token.
  BOOST_TEST(to_string(check_cot(p, ModelKind::transformer_window, 16, 3, 1, arith::parse_precision("interval64"), {}).verdict) ==
             to_string(Verdict::verified));
}
