#pragma once
// T2's report parts (the module record in t2.cpp points to them). The table of T2
// (docs/tables/t2-precision.tex), built from the proof's results: one row per copy
// length L; the least precision P*(L) per schedule; per arithmetic of the list (except exact),
// whether decoded COPY holds for every schedule at that L (or which schedules do, or are
// undecided); a last row with the least-squares slope of P* against log2 L. An L whose results
// were checked on a row sample is labelled "sampled (k rows)" (from the results' data rows and
// rows_total), so no cell claims every row when a sample was checked.
#include <string>
#include <vector>

#include "arith/precision.hpp"
#include "core/result.hpp"
#include "output/latex_table.hpp"
#include "output/theorem_module.hpp"

namespace freelunch::proofs::t2 {

// The names of the results the table reads, shared by the proof that writes them.
inline constexpr const char* kDecoded = "decoded COPY";
inline constexpr const char* kLeast = "least precision P* that copies";
inline constexpr const char* kLargest = "largest L that copies";
inline constexpr const char* kSlope = "slope of P* against log2 L";

// The copy schedules of the construction, in the table's order.
const std::vector<std::string>& schedule_kinds();
// The report's statement: THEORY's checkable form, as a LaTeX paragraph.
std::string statement();
// The tables of docs/tables/ and the report, and the report's figures.
std::vector<NamedTable> tables(const ProofReport& report, const std::vector<arith::Precision>& precisions);
std::vector<output::PgfFigure> figures(const ProofReport& report);


// Reads the results "least precision P* that copies" (data: schedule, L, P*, claimed, rows,
// rows_total), "decoded COPY" (schedule, L, copies, rows, rows_total; an undecided verdict is
// shown as such), "largest L that copies" (schedule, per_L: [{L, copies, rows, rows_total}]) and "slope of P*
// against log2 L" (schedule; the cell is the detail's first word); other results are ignored.
output::LatexTable precision_table(const ProofReport& report, const std::vector<arith::Precision>& precisions,
                                      const std::vector<std::string>& schedule_kinds);

}  // namespace freelunch::proofs::t2
