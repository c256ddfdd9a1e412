// Writes the input files of bench/map_bench.sh: deterministic, generated, never committed.
//
// Usage: map_bench_data generic ROWS FILE   a generic open-items CSV (docs/generic-csv.md):
//                                           ';', header, ISO dates, dot decimals, 50 000
//                                           customers, one credit note in ten
//        map_bench_data fec ROWS FILE       a French FEC: tab-separated, the 18 legal
//                                           columns, AAAAMMJJ dates, comma decimals. Per
//                                           invoice: a 411 customer debit, a 706 sales
//                                           credit and a 44571 VAT credit in journal VE;
//                                           two invoices in three are paid: a BQ journal
//                                           411 credit and 512 debit, both 411 lines
//                                           lettered. ROWS counts data lines (header apart).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

namespace {

int Usage() {
  std::fprintf(stderr, "usage: map_bench_data generic|fec ROWS FILE\n");
  return 2;
}

// "1234,56" (FEC: comma decimals, no thousands separator).
std::string CommaAmount(long long cents) {
  char text[32];
  std::snprintf(text, sizeof text, "%lld,%02lld", cents / 100, cents % 100);
  return text;
}

void WriteGeneric(std::ofstream& out, long long rows) {
  out << "account_number;customer_name;document_number;document_type;issue_date;due_date;currency;total;open_amount\n";
  char line[256];
  for (long long i = 0; i < rows; ++i) {
    const long long customer = i % 50000;
    const long long cents = 1000 + (i * 7919) % 9000000;
    const long long open = i % 4 == 0 ? cents / 2 : cents;
    const int n = std::snprintf(line, sizeof line,
                                "C%06lld;Customer %lld SARL;INV-%09lld;%s;2026-%02lld-%02lld;2026-12-%02lld;EUR;"
                                "%lld.%02lld;%lld.%02lld\n",
                                customer, customer, i, i % 10 == 0 ? "credit_note" : "invoice", 1 + i % 12,
                                1 + i % 28, 1 + i % 28, cents / 100, cents % 100, open / 100, open % 100);
    out.write(line, n);
  }
}

// One FEC line; empty strings for the fields a line does not use.
void FecLine(std::ofstream& out, const char* journal, const char* journal_label, long long entry, const std::string& date,
             const char* account, const char* account_label, const std::string& aux, const std::string& aux_label,
             const std::string& piece, const std::string& label, long long debit, long long credit,
             const std::string& letter, const std::string& letter_date) {
  out << journal << '\t' << journal_label << '\t' << journal << entry << '\t' << date << '\t' << account << '\t'
      << account_label << '\t' << aux << '\t' << aux_label << '\t' << piece << '\t' << date << '\t' << label << '\t'
      << CommaAmount(debit) << '\t' << CommaAmount(credit) << '\t' << letter << '\t' << letter_date << '\t' << date
      << "\t\t\n";
}

void WriteFec(std::ofstream& out, long long rows) {
  out << "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\t"
         "PieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\tValidDate\tMontantdevise\tIdevise\n";
  long long written = 0;
  for (long long i = 0; written < rows; ++i) {
    const long long customer = i % 50000;
    const std::string aux = "C" + std::to_string(100000 + customer);
    const std::string aux_label = "CLIENT " + std::to_string(customer) + " SARL";
    const std::string piece = "F" + std::to_string(2026000000 + i);
    char date[16];
    std::snprintf(date, sizeof date, "2026%02lld%02lld", 1 + i % 12, 1 + i % 28);
    const long long net = 1000 + (i * 7919) % 900000;
    const long long vat = net / 5;
    const bool paid = i % 3 != 0;
    const std::string letter = paid ? "L" + std::to_string(i) : "";
    const std::string letter_date = paid ? "20261215" : "";
    const std::string label = "Facture " + piece;
    for (int line = 0; line < (paid ? 5 : 3) && written < rows; ++line) {
      switch (line) {
        case 0: FecLine(out, "VE", "Ventes", i, date, "411000", "Clients", aux, aux_label, piece, label, net + vat, 0, letter, letter_date); break;
        case 1: FecLine(out, "VE", "Ventes", i, date, "706000", "Prestations de services", "", "", piece, label, 0, net, "", ""); break;
        case 2: FecLine(out, "VE", "Ventes", i, date, "445710", "TVA collectee", "", "", piece, label, 0, vat, "", ""); break;
        case 3: FecLine(out, "BQ", "Banque", i, "20261215", "411000", "Clients", aux, aux_label, piece, "Reglement " + piece, 0, net + vat, letter, letter_date); break;
        case 4: FecLine(out, "BQ", "Banque", i, "20261215", "512000", "Banque", "", "", piece, "Reglement " + piece, net + vat, 0, "", ""); break;
      }
      ++written;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) return Usage();
  char* end = nullptr;
  const long long rows = std::strtoll(argv[2], &end, 10);
  if (*end != '\0' || rows < 0) return Usage();
  std::ofstream out(argv[3], std::ios::binary | std::ios::trunc);
  if (!out) {
    std::fprintf(stderr, "map_bench_data: cannot write %s\n", argv[3]);
    return 1;
  }
  if (std::strcmp(argv[1], "generic") == 0) {
    WriteGeneric(out, rows);
  } else if (std::strcmp(argv[1], "fec") == 0) {
    WriteFec(out, rows);
  } else {
    return Usage();
  }
  out.flush();
  return out ? 0 : 1;
}
