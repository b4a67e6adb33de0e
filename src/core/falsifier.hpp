#pragma once
// Falsifiers (THEORY §4): a check that cannot fail checks nothing, so every check ships with at
// least one perturbed construction or claim (a compensation exponent off by one, a decay nudged
// by 2^-40, a state one entry short, a threshold one step too low, a wrong DP table entry) that
// the same check, run by the same code, must reject. A falsifier is rejected when the check's
// verdict is `fails`; anything else (verified, holds, undecided) is "NOT rejected" and makes
// `freelunch check --falsify` exit 1.
#include <functional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace freelunch {

struct Falsifier {
  std::string check;         // the check it targets: CheckResult::check of the genuine runs
  std::string perturbation;  // what differs from the genuine construction or claim, one line
  std::function<CheckResult()> run;  // the same check on the perturbed input
};

struct FalsifierResult {
  std::string proof, check, perturbation;
  bool rejected = false;  // the check's verdict was `fails`
  CheckResult result;     // what the check said

  // "rejected      T1a ... | decay nudged by 2^-40: fails at ..."
  std::string line() const;
  nlohmann::json to_json() const;
};

FalsifierResult run_falsifier(const std::string& proof, const Falsifier& f);

// The declared checks (names of results with a verdict) that no falsifier targets.
std::vector<std::string> checks_without_falsifier(const std::vector<std::string>& checks, const std::vector<Falsifier>& falsifiers);

}  // namespace freelunch
