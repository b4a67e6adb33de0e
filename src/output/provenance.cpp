#include "output/provenance.hpp"

#include <algorithm>

#include "core/version.hpp"

namespace freelunch::output {

std::string provenance(const ProofReport& report, const std::string& semantics, const std::vector<std::string>& arithmetics) {
  std::string out = std::string(kPaperVersion) + "; freelunch " + kToolVersion;
  if (!arithmetics.empty()) {
    out += "; arithmetics: ";
    for (std::size_t i = 0; i < arithmetics.size(); ++i) out += (i ? ", " : "") + arithmetics[i];
  }
  return out + "; rounding: " + semantics + "; grid " + report.grid + ", seed " + std::to_string(report.seed) + ".";
}

std::string semantics_of(const std::vector<const CheckResult*>& results) {
  std::vector<std::string> seen;
  for (const CheckResult* r : results)
    if (std::find(seen.begin(), seen.end(), r->semantics) == seen.end()) seen.push_back(r->semantics);
  std::string out;
  for (std::size_t i = 0; i < seen.size(); ++i) out += (i ? "; " : "") + seen[i];
  return out;
}

}  // namespace freelunch::output
