#define BOOST_TEST_MODULE dp_checks
#include "support/test_support.hpp"

#include <cmath>
#include <vector>

#include "arith/precision.hpp"
#include "arith/soft_float.hpp"
#include "dp/checks.hpp"
#include "dp/generate.hpp"
#include "linalg/rank.hpp"

using namespace freelunch;
using namespace freelunch::dp;

// The rank certificate of T4 against the count of distinct sources r - ⌊(r+1)/2⌋ + 1 at
// r = T/2, and against the whole rank profile of the copy matrix: rank <= min(r, T - r)
// everywhere, largest at r = T/2.
BOOST_AUTO_TEST_CASE(halfindex_rank_is_about_a_quarter_of_t) {
  for (std::size_t length : {8u, 16u, 64u, 100u}) {
    const CheckResult r = halfindex_rank_bound(length);
    const long half = static_cast<long>(length / 2);
    BOOST_TEST(to_string(r.verdict) == to_string(Verdict::verified));
    BOOST_TEST(r.data["rank"].get<long>() == half - (half + 1) / 2 + 1);
  }
  const std::size_t length = 32;
  linalg::Matrix<Rational> m(length, length, Rational(0));
  for (std::size_t i = 1; i <= length; ++i)
    if (i / 2 >= 1) m(i - 1, i / 2 - 1) = 1;
  const std::vector<long> profile = linalg::semiseparable_rank_profile(m);
  long best = 0;
  for (std::size_t r = 1; r < length; ++r) {
    BOOST_TEST(profile[r - 1] <= static_cast<long>(std::min(r, length - r)));
    best = std::max(best, profile[r - 1]);
  }
  BOOST_TEST(best == halfindex_rank_bound(length).data["rank"].get<long>());
}

BOOST_AUTO_TEST_CASE(least_squares_slope_of_a_line) {
  BOOST_TEST(least_squares_slope({1, 2, 3, 4}, {5, 7, 9, 11}) == 2.0, boost::test_tools::tolerance(1e-12));
}

// Counted costs: slope 1 for the local model, 2 for the general one, on the same problem.
BOOST_AUTO_TEST_CASE(cost_slopes_separate_local_from_general) {
  const Problem p(ProblemKind::trib_mod, 7);
  const std::vector<std::size_t> lengths{64, 128, 256, 512, 1024};
  const CheckResult local = cost_series(p, ModelKind::mamba_local, lengths, 1.0, 1);
  const CheckResult general = cost_series(p, ModelKind::mamba_general, lengths, 2.0, 1);
  BOOST_TEST(to_string(local.verdict) == to_string(Verdict::measured));
  BOOST_TEST(to_string(general.verdict) == to_string(Verdict::measured));
  BOOST_TEST(std::abs(local.data["slope_total"].get<double>() - 1.0) < 0.02);
  BOOST_TEST(std::abs(general.data["slope_total"].get<double>() - 2.0) < 0.1);
  BOOST_TEST(local.data["slope_state"].get<double>() == 0.0, boost::test_tools::tolerance(1e-9));
  // A prediction that does not hold is reported as a failure.
  BOOST_TEST(to_string(cost_series(p, ModelKind::mamba_local, lengths, 2.0, 1).verdict) == to_string(Verdict::fails));
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
                                        CotOptions{true, false});
    BOOST_REQUIRE(out.first_wrong.has_value());
    BOOST_TEST(*out.first_wrong == *oracle, "seed " << seed);
  }
}

// The precision search reports the largest passing power of two and the first failure.
BOOST_AUTO_TEST_CASE(precision_search_reports_the_first_failure) {
  const Problem p(ProblemKind::trib_mod, 7);
  const CheckResult fp16 = largest_correct_length(p, ModelKind::mamba_local, 1024, 1, arith::parse_precision("fp16"), {});
  BOOST_TEST(fp16.data["reached_cap"].get<bool>());
  BOOST_TEST(fp16.data["largest"].get<std::size_t>() == 1024u);
  const CheckResult mg = largest_correct_length(Problem(ProblemKind::halfindex_mod, 7), ModelKind::mamba_general, 1024, 1,
                                                arith::parse_precision("fp16"), {});
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
