#pragma once
// Runs proofs and writes their outputs: the human summary on stdout, JSON lines in
// OUT/<id>.jsonl, booktabs tables in TABLES/. Shared by `freelunch check` and the per-proof
// executables.
#include <memory>
#include <string>
#include <vector>

// CLI11 is not included here: its header costs ~7 s of compile time in every file that includes it
// (it defines its validator objects in the header), so only the files that bind options include it.
namespace CLI {
class App;
}  // namespace CLI

#include "core/proof.hpp"
#include "output/theorem_module.hpp"

namespace freelunch::cli {

struct CheckOptions {
  std::vector<std::string> ids;
  std::string precisions;  // each proof's default list unless precisions_given
  bool precisions_given = false;
  std::string grid = "quick";
  std::uint64_t seed = 1;
  std::string out_dir = "out";
  std::string results_flag = "--out";  // the option that names out_dir, for messages
  std::string tables_dir = "docs/tables";
  unsigned jobs = 1;
  std::string semantics = "per-op,sequential";
  bool quiet = false;
  bool fresh = false;  // recompute instead of reusing the results store
  bool falsify = false;  // run the falsifiers instead of the checks
  bool json = false;     // one JSON object on stdout instead of the text (files are written as ever)
  std::string shard;     // "i/k": this machine's part of every proof's instances; empty: all
  bool mpi = false;      // share the instances among the processes of mpirun (cluster/mpi_session.hpp)
  // Set by DistributedRun, not by an option: with --mpi, this process's part.
  Distributor* distributor = nullptr;
  // Whether this process prints and writes the outputs: always, except an --mpi worker.
  bool speaks() const { return !distributor || distributor->root(); }
};

// --mpi for one command: checks the options first (a usage error is the same on every process and
// ends each before MPI starts), then starts MPI and gives `opt` its distributor; on a worker,
// stdout goes to /dev/null and the progress line is off (the root prints both). Without --mpi it
// does nothing.
class DistributedRun {
 public:
  explicit DistributedRun(CheckOptions& opt);
  ~DistributedRun();
  DistributedRun(const DistributedRun&) = delete;
  DistributedRun& operator=(const DistributedRun&) = delete;

 private:
  struct Session;
  std::unique_ptr<Session> session_;
};

// Binds the options shared by `check`, `report` and the proof executables. `results_flag` names
// the option of CheckOptions::out_dir (`report` keeps --out for the report's own directory).
void add_check_options(CLI::App& app, CheckOptions& opt, bool with_ids, const std::string& results_flag = "--out");
// --json, for `check` and the proof executables (not `report`, whose output is the report).
void add_check_json_flag(CLI::App& app, CheckOptions& opt);

// One proof's run: its results, and the tables and figures its module built from them.
struct ProofRun {
  const ProofEntry* entry = nullptr;
  ProofReport report;  // claim filled in
  std::vector<NamedTable> tables;
  std::vector<output::PgfFigure> figures;
};

struct CheckOutcome {
  std::vector<ProofRun> runs;  // in the order run
  bool failed = false;         // some check of some report fails
  std::vector<std::string> shards_stored;  // --shard: per proof whose other shards are missing, what was stored
};
// Runs the selected proofs (reusing the results store), prints each summary, writes the JSON
// lines and tables.
CheckOutcome run_proofs(const CheckOptions& opt);
// Runs the falsifiers of the selected proofs: one line each on stdout (rejected / NOT rejected),
// JSON lines in OUT/<id>.falsify.jsonl. True when every falsifier was rejected and every declared
// check has at least one.
bool run_falsifiers(const CheckOptions& opt);
// Returns the exit code: 0 when every check holds (with --falsify: every falsifier was
// rejected), 1 otherwise.
int run_check(const CheckOptions& opt);

}  // namespace freelunch::cli
