#include "cli/registry.hpp"

#include <algorithm>
#include <cctype>

#include "arith/errors.hpp"

namespace freelunch::proofs {
ProofReport run_l1(const ProofOptions& options);
ProofReport run_t1(const ProofOptions& options);
ProofReport run_t2(const ProofOptions& options);
ProofReport run_t3(const ProofOptions& options);
ProofReport run_t4(const ProofOptions& options);
ProofReport run_t5(const ProofOptions& options);
}

namespace freelunch::cli {

const std::vector<ProofEntry>& proof_registry() {
  static const std::vector<ProofEntry> entries = {
      {"l1", "(lemma)", "(lemma)", "selective scan = masked linear attention; M is n-semiseparable",
       "Mamba's selective scan is masked linear attention; its sequence matrix is n-semiseparable",
       proofs::run_l1, "exact,mpfr113,interval128,fp64,fp32,bf16,fp16,e5m2,e4m3,fix16.16"},
      {"t1", "Thm 1", "Thm 1", "constant-size Mamba has a COPY bottleneck (magnitude, rank, information)",
       "constant-size Mamba has a COPY bottleneck: magnitude (finite range), rank (every arithmetic), information (finite precision)",
       proofs::run_t1, "exact,mpfr53,fp64,fp32,bf16,fp16,e5m2,e4m3,fix8.8"},
      {"t2", "Thm 2", "-", "constant-size Transformer copies with logarithmic score growth",
       "a constant-size Transformer performs COPY with logarithmic score growth", proofs::run_t2,
       "exact,interval128,fp64,fp32,bf16,fp16,e5m2,e4m3"},
      {"t3", "Thm 3", "Thm 2", "Mamba with state linear in the length copies exactly",
       "Mamba whose state grows linearly with the length performs COPY exactly", proofs::run_t3,
       "exact,mpfr53,fp64,fp32,bf16,fp16,e5m2,e4m3,fix16.16,fix8.8"},
      {"t4", "Thm 4", "Thm 3", "general DP with CoT: Mamba state O(T), total cost O(T^2)",
       "arbitrary DP with CoT: Mamba needs state O(T), total cost O(T^2), like a Transformer", proofs::run_t4, "exact"},
      {"t5", "Thm 5", "Thm 4", "m-local DP with CoT: Mamba state O(m), total cost O(mT)",
       "DP with m-locality: Mamba with state O(m), total cost O(mT), like efficient Transformers", proofs::run_t5,
       "exact,fp64,fp32,bf16,fp16,e4m3"},
  };
  return entries;
}

const ProofEntry& find_proof(const std::string& id) {
  std::string lower = id;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const ProofEntry& e : proof_registry())
    if (e.id == lower) return e;
  throw UsageError("unknown theorem id '" + id + "'; valid: l1, t1, t2, t3, t4, t5, all");
}

}  // namespace freelunch::cli
