// results.csv: one row per case × repetition; the varying matrix keys as columns, then every
// metric statistic. The file is rewritten as each case finishes.
#include <sstream>

#include "reporters/suite/suite_reporter.h"

namespace servebench::reporters {
namespace {

std::string Quoted(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

class CsvReporter : public SuiteReporter {
 public:
  void Begin(const SuiteContext& context) override {
    file_ = context.out_dir / "results.csv";
    out_.precision(10);
    counters_ = results::KnownCounters();
    out_ << "name,repetition_index";
    for (const auto& key : context.parameter_keys) out_ << "," << Quoted(key);
    out_ << ",iterations,error_occurred,error_message";
    for (const auto& c : counters_) out_ << "," << c;
    out_ << "\n";
    Save(file_, out_.str());
  }

  void CaseDone(const results::CaseResult& c) override {
    for (size_t i = 0; i < c.repetitions.size(); ++i) {
      const auto& rep = c.repetitions[i];
      out_ << Quoted(c.name) << "," << i;
      for (const auto& [key, value] : c.parameters) out_ << "," << Quoted(value);
      out_ << "," << rep.iterations << "," << (rep.error ? "true" : "false") << ","
           << Quoted(rep.error_message);
      for (const auto& counter : counters_) {
        out_ << ",";
        if (const auto it = rep.counters.find(counter); it != rep.counters.end())
          out_ << it->second;
      }
      out_ << "\n";
    }
    Save(file_, out_.str());
  }

  void End(const verdicts::SuiteVerdict&) override {}
  std::vector<std::filesystem::path> Files() const override { return {file_}; }

 private:
  std::filesystem::path file_;
  std::ostringstream out_;  // the whole file so far, saved after each case
  std::vector<std::string> counters_;
};

const bool registered_csv = RegisterSuiteReporter("results.csv", ReporterRole::kResults,
                                                  [] { return std::make_unique<CsvReporter>(); });

}  // namespace
}  // namespace servebench::reporters
