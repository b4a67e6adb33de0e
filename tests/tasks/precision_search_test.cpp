#define BOOST_TEST_MODULE precision_search
#include "support/test_support.hpp"

#include <algorithm>

#include "arith/errors.hpp"
#include "tasks/precision_search.hpp"

using namespace freelunch;
using namespace freelunch::tasks;

namespace {

bool was_evaluated(const PrecisionSearch& s, long p, bool passed) {
  return std::find(s.evaluated.begin(), s.evaluated.end(), std::make_pair(p, passed)) != s.evaluated.end();
}

}  // namespace

// A monotone property: the least passing P, its failing neighbour below and the confirmed window
// above, every P of which was evaluated.
BOOST_AUTO_TEST_CASE(monotone_threshold) {
  for (long threshold : {4L, 5L, 17L, 40L, 63L, 64L}) {
    BOOST_TEST_CONTEXT("threshold " << threshold) {
      const PrecisionSearch s = least_passing_precision([&](long p) { return p >= threshold; }, 4, 64, 8);
      BOOST_TEST(s.least.value() == threshold);
      BOOST_TEST(s.confirmed_up_to == std::min(64L, threshold + 8));
      BOOST_TEST(!s.restarted);
      if (threshold > 4) BOOST_TEST(was_evaluated(s, threshold - 1, false));
      for (long p = threshold; p <= s.confirmed_up_to; ++p) BOOST_TEST(was_evaluated(s, p, true));
      // Each P at most once.
      std::vector<long> ps;
      for (const auto& e : s.evaluated) ps.push_back(e.first);
      std::sort(ps.begin(), ps.end());
      BOOST_TEST((std::adjacent_find(ps.begin(), ps.end()) == ps.end()));
    }
  }
}

// A property that fails once above the bisection's answer: the confirmation sees it and P* moves
// above the failure.
BOOST_AUTO_TEST_CASE(not_monotone_moves_up) {
  const PrecisionSearch s = least_passing_precision([](long p) { return p >= 10 && p != 13; }, 4, 64, 8);
  BOOST_TEST(s.least.value() == 14);
  BOOST_TEST(s.restarted);
  BOOST_TEST(s.confirmed_up_to == 22);
  BOOST_TEST(s.describe().find("not monotone") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(never_and_always) {
  const PrecisionSearch never = least_passing_precision([](long) { return false; }, 4, 64, 8);
  BOOST_TEST(!never.least.has_value());
  BOOST_TEST(never.evaluated.size() == 1u);
  BOOST_TEST(never.describe() == "none up to 64");
  const PrecisionSearch always = least_passing_precision([](long) { return true; }, 4, 64, 8);
  BOOST_TEST(always.least.value() == 4);
  BOOST_TEST(always.describe() == "4 (every P in [4, 12] passes, the lowest P tried)");
  BOOST_CHECK_THROW(least_passing_precision([](long) { return true; }, 10, 4, 8), UsageError);
}


// The claim check of a least precision: the true P* of a monotone property has no contradiction;
// P* - 1 is contradicted at P* - 1 (it fails), P* + 1 at P* (it passes too), a claim outside the
// range by itself; a failure inside the window above the claim is found.
BOOST_AUTO_TEST_CASE(least_precision_claims) {
  const long threshold = 17;
  const auto passes = [&](long p) { return p >= threshold; };
  BOOST_TEST(!least_precision_contradiction(passes, threshold, 4, 64, 4).has_value());
  BOOST_TEST(least_precision_contradiction(passes, threshold - 1, 4, 64, 4).value() == threshold - 1);
  BOOST_TEST(least_precision_contradiction(passes, threshold + 1, 4, 64, 4).value() == threshold);
  BOOST_TEST(least_precision_contradiction(passes, 3, 4, 64, 4).value() == 3);
  BOOST_TEST(least_precision_contradiction(passes, 65, 4, 64, 4).value() == 65);
  BOOST_TEST(!least_precision_contradiction([](long) { return true; }, 4, 4, 64, 4).has_value());  // lo: nothing below to fail
  const auto gap = [](long p) { return p >= 10 && p != 12; };  // not monotone: 12 fails
  BOOST_TEST(least_precision_contradiction(gap, 10, 4, 64, 4).value() == 12);
  BOOST_TEST(!least_precision_contradiction(gap, 13, 4, 64, 4).has_value());  // 12 fails: 13 is least above the hole
  // The search's own claim is never contradicted, with the evaluations shared.
  const PrecisionSearch s = least_passing_precision(gap, 4, 64, 4);
  BOOST_TEST(!least_precision_contradiction(gap, s.least.value(), 4, 64, 4).has_value());
  BOOST_CHECK_THROW(least_precision_contradiction(passes, 10, 5, 4, 4), UsageError);
}
