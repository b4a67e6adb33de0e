#include "core/result.hpp"

#include "core/version.hpp"

namespace freelunch {

std::string to_string(Verdict v) {
  switch (v) {
    case Verdict::verified: return "verified";
    case Verdict::verified_randomized: return "verified (randomized)";
    case Verdict::verified_all_lengths: return "verified for all lengths";
    case Verdict::holds_numerically: return "holds numerically";
    case Verdict::undecided: return "undecided";
    case Verdict::fails: return "fails";
    case Verdict::not_applicable: return "not applicable";
    case Verdict::measured: return "measured";
  }
  return "?";
}

bool ProofReport::any_failure() const {
  for (const CheckResult& r : results)
    if (r.verdict == Verdict::fails) return true;
  return false;
}

std::string ProofReport::to_json_lines() const {
  std::string out;
  for (const CheckResult& r : results) {
    nlohmann::json j = {{"proof", id},     {"check", r.check},         {"instance", r.instance},
                        {"precision", r.precision}, {"semantics", r.semantics}, {"verdict", to_string(r.verdict)},
                        {"detail", r.detail}, {"data", r.data}, {"magnitude", r.magnitude},          {"grid", grid},
                        {"seed", seed},     {"paper", kPaperVersion},  {"tool", kToolVersion}};
    out += j.dump() + "\n";
  }
  return out;
}

}  // namespace freelunch
