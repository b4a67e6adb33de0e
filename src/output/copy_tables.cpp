#include "output/copy_tables.hpp"

#include <algorithm>
#include <map>

#include "core/version.hpp"
#include "tasks/magnitude_bound.hpp"

namespace freelunch::output {

LatexTable t3_threshold_table(const ProofReport& report, const std::vector<arith::Precision>& precisions) {
  LatexTable t;
  t.caption = "T3: largest copy length L that the slot construction still copies (decoded, all +-1 inputs), per "
              "arithmetic; in brackets the T1a magnitude bound log(beta_max^2)/log(1/a) for one nonzero product. The bound "
              "is for exact COPY: decoded COPY tolerates an error below 1/2 and may pass it by a step (saturating fixed "
              "point); far below it, the rounded decay no longer matches the compensation (a precision failure).";
  t.label = "tab:t3-threshold";
  t.header = {"decay, split"};
  for (const auto& p : precisions) t.header.push_back(p.name);
  std::vector<std::string> row_names;
  std::map<std::pair<std::string, std::string>, const CheckResult*> cells;
  for (const CheckResult& r : report.results) {
    if (r.check != "largest L that copies") continue;
    if (std::find(row_names.begin(), row_names.end(), r.instance) == row_names.end()) row_names.push_back(r.instance);
    cells[{r.instance, r.precision}] = &r;
  }
  std::string semantics;
  for (const std::string& row_name : row_names) {
    std::vector<std::string> row{row_name};
    for (const auto& p : precisions) {
      auto it = cells.find({row_name, p.name});
      if (it == cells.end()) {
        row.push_back("--");
        continue;
      }
      const CheckResult& r = *it->second;
      semantics = r.semantics;
      std::string cell = r.data.contains("reached_cap") && r.data["reached_cap"].get<bool>()
                             ? "none up to " + std::to_string(r.data["cap"].get<std::size_t>())
                             : (r.data["largest"].is_null() ? std::string("0") : std::to_string(r.data["largest"].get<std::size_t>()));
      const Rational a(r.data["decay"].get<std::string>());
      const auto log2_beta = tasks::log2_largest_finite(p);
      if (log2_beta && a < 1) cell += " (" + std::to_string(tasks::magnitude_bound(*log2_beta, 1, a)) + ")";
      row.push_back(cell);
    }
    t.rows.push_back(row);
  }
  t.provenance = std::string(kPaperVersion) + "; freelunch " + kToolVersion + "; rounding: " + semantics + "; grid " +
                 report.grid + ", seed " + std::to_string(report.seed) + ".";
  return t;
}

}  // namespace freelunch::output
