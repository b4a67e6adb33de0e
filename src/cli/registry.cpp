#include "cli/registry.hpp"

#include <algorithm>
#include <cctype>

#include "arith/errors.hpp"

namespace freelunch::proofs {
// Defined by proofs/registry.cpp: every theorem module, in THEORY's order.
std::vector<ProofEntry> modules();
}  // namespace freelunch::proofs

namespace freelunch::cli {

const std::vector<ProofEntry>& proof_registry() {
  static const std::vector<ProofEntry> entries = proofs::modules();
  return entries;
}

const ProofEntry& find_proof(const std::string& id) {
  std::string lower = id;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const ProofEntry& e : proof_registry())
    if (e.id == lower) return e;
  std::string valid;
  for (const ProofEntry& e : proof_registry()) valid += e.id + ", ";
  throw UsageError("unknown theorem id '" + id + "'; valid: " + valid + "all");
}

}  // namespace freelunch::cli
