#pragma once
// Table cells from results: one check's results by (instance, arithmetic), and the cell of a
// threshold search ("the largest size that still passes"), read from the result's data alone.
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace freelunch::output {

// Results of one check by (instance, precision), instances in order of appearance.
struct ResultCells {
  std::vector<std::string> instances;
  std::map<std::pair<std::string, std::string>, const CheckResult*> at;
  std::string semantics;  // of the last result collected
};

ResultCells collect_cells(const ProofReport& report, const std::string& check);

// The table rows of one check: one per instance ("prefix" + instance), one cell per column name
// (a result's precision), cell_of(result) where there is one, "--" elsewhere.
std::vector<std::vector<std::string>> instance_rows(const ResultCells& cells, const std::vector<std::string>& columns, const std::string& prefix,
                                                   const std::function<std::string(const CheckResult&)>& cell_of);

// "none up to 4096", "31 (32)", "731* (22713)": the largest size (data "largest", or "none up to
// cap" when "reached_cap"), a star when the first failure was a finite rounding error (data
// "cause" starting with "rounding") rather than a range failure, and the bound in brackets
// (data "bound_text" as the producer wrote it, else the floor of a numeric "bound").
std::string largest_size_cell(const CheckResult& r);

}  // namespace freelunch::output
