#include "core/falsifier.hpp"

#include <algorithm>

#include "core/version.hpp"

namespace freelunch {

std::string FalsifierResult::line() const {
  std::string word = rejected ? "rejected    " : "NOT rejected";
  return word + "  " + proof + " | " + check + " | " + perturbation + ": " + to_string(result.verdict) +
         (result.detail.empty() ? "" : " (" + result.detail + ")");
}

nlohmann::json FalsifierResult::to_json() const {
  return {{"proof", proof},         {"check", check},           {"perturbation", perturbation},
          {"rejected", rejected},   {"verdict", to_string(result.verdict)}, {"instance", result.instance},
          {"precision", result.precision}, {"detail", result.detail}, {"data", result.data},
          {"paper", kPaperVersion}, {"tool", kToolVersion}};
}

FalsifierResult run_falsifier(const std::string& proof, const Falsifier& f) {
  FalsifierResult r{proof, f.check, f.perturbation, false, f.run()};
  // A falsifier that ends up in another check's code path would prove nothing about its own.
  r.rejected = r.result.verdict == Verdict::fails && r.result.check == f.check;
  return r;
}

std::vector<std::string> checks_without_falsifier(const std::vector<std::string>& checks, const std::vector<Falsifier>& falsifiers) {
  std::vector<std::string> out;
  for (const std::string& c : checks)
    if (std::none_of(falsifiers.begin(), falsifiers.end(), [&](const Falsifier& f) { return f.check == c; })) out.push_back(c);
  return out;
}

}  // namespace freelunch
