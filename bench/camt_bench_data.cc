// Writes the input of bench/camt_bench.sh: a camt.053.001.08 statement of N entries,
// deterministic, generated, never committed.
//
// Usage: camt_bench_data ENTRIES FILE [STATEMENTS]
//   ENTRIES entries in all, spread evenly over STATEMENTS statements (default 1: the worst
//   case, every entry a sibling of the others). Of every 10 entries: one is a batch whose
//   NtryDtls holds 2 to 5 transactions (TxDtls, each with its own amount, references,
//   debtor and remittance), one a debit, the others single credit transfers with one TxDtls
//   or none (a cheque); one entry in 50 is pending. Every amount is in EUR with 2 decimals.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace {

int Usage() {
  std::fprintf(stderr, "usage: camt_bench_data ENTRIES FILE [STATEMENTS]\n");
  return 2;
}

std::string Amount(long long cents) {
  char text[32];
  std::snprintf(text, sizeof text, "%lld.%02lld", cents / 100, cents % 100);
  return text;
}

std::string Date(long long i) {
  char text[16];
  std::snprintf(text, sizeof text, "2026-%02lld-%02lld", 1 + i % 12, 1 + i % 28);
  return text;
}

void Transaction(std::ofstream& out, long long entry, int tx, long long cents) {
  out << "          <TxDtls>\n"
      << "            <Refs>\n"
      << "              <AcctSvcrRef>TX-" << entry << "-" << tx << "</AcctSvcrRef>\n"
      << "              <EndToEndId>E2E-" << entry << "-" << tx << "</EndToEndId>\n"
      << "            </Refs>\n"
      << "            <Amt Ccy=\"EUR\">" << Amount(cents) << "</Amt>\n"
      << "            <CdtDbtInd>CRDT</CdtDbtInd>\n"
      << "            <RltdPties>\n"
      << "              <Dbtr><Pty><Nm>CUSTOMER " << (entry * 7 + tx) % 5000 << " SARL</Nm></Pty></Dbtr>\n"
      << "              <DbtrAcct><Id><IBAN>FR76300060000112345678" << (10000 + (entry + tx) % 90000)
      << "</IBAN></Id></DbtrAcct>\n"
      << "            </RltdPties>\n"
      << "            <RmtInf>\n"
      << "              <Ustrd>INVOICE F2026-" << entry << "-" << tx << "</Ustrd>\n"
      << "            </RmtInf>\n"
      << "          </TxDtls>\n";
}

void Entry(std::ofstream& out, long long i) {
  const long long cents = 1000 + (i * 7919) % 9000000;
  const bool debit = i % 10 == 3;
  const bool batch = i % 10 == 7;
  const bool cheque = i % 10 == 5;
  const bool pending = i % 50 == 11;
  const int transactions = batch ? 2 + static_cast<int>(i / 10 % 4) : cheque ? 0 : 1;
  long long total = cents;
  if (batch) total = cents * transactions + transactions * (transactions - 1) / 2;
  out << "      <Ntry>\n"
      << "        <Amt Ccy=\"EUR\">" << Amount(total) << "</Amt>\n"
      << "        <CdtDbtInd>" << (debit ? "DBIT" : "CRDT") << "</CdtDbtInd>\n"
      << "        <Sts><Cd>" << (pending ? "PDNG" : "BOOK") << "</Cd></Sts>\n"
      << "        <BookgDt><Dt>" << Date(i) << "</Dt></BookgDt>\n"
      << "        <ValDt><Dt>" << Date(i + 1) << "</Dt></ValDt>\n"
      << "        <AcctSvcrRef>BANKREF-" << i << "</AcctSvcrRef>\n"
      << "        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>" << (debit ? "ICDT" : cheque ? "RCHQ" : "RCDT")
      << "</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>\n";
  if (transactions > 0) {
    out << "        <NtryDtls>\n";
    if (batch) out << "          <Btch><NbOfTxs>" << transactions << "</NbOfTxs></Btch>\n";
    for (int tx = 0; tx < transactions; ++tx) Transaction(out, i, tx + 1, batch ? cents + tx : cents);
    out << "        </NtryDtls>\n";
  } else {
    out << "        <AddtlNtryInf>REMISE CHEQUE " << i << "</AddtlNtryInf>\n";
  }
  out << "      </Ntry>\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) return Usage();
  const long long entries = std::atoll(argv[1]);
  const long long statements = argc == 4 ? std::atoll(argv[3]) : 1;
  if (entries < 1 || statements < 1 || statements > entries) return Usage();
  std::ofstream out(argv[2], std::ios::binary);
  if (!out) {
    std::fprintf(stderr, "camt_bench_data: cannot write %s\n", argv[2]);
    return 1;
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\">\n"
      << "  <BkToCstmrStmt>\n"
      << "    <GrpHdr>\n"
      << "      <MsgId>BENCH-" << entries << "</MsgId>\n"
      << "      <CreDtTm>2026-12-31T22:00:00+01:00</CreDtTm>\n"
      << "    </GrpHdr>\n";
  long long written = 0;
  for (long long s = 0; s < statements; ++s) {
    const long long end = entries * (s + 1) / statements;
    out << "    <Stmt>\n"
        << "      <Id>STMT-BENCH-" << s + 1 << "</Id>\n"
        << "      <CreDtTm>2026-12-31T22:00:00+01:00</CreDtTm>\n"
        << "      <Acct>\n"
        << "        <Id><IBAN>FR76145080004023456789" << (10000 + s % 90000) << "</IBAN></Id>\n"
        << "        <Ccy>EUR</Ccy>\n"
        << "      </Acct>\n";
    for (; written < end; ++written) Entry(out, written);
    out << "    </Stmt>\n";
  }
  out << "  </BkToCstmrStmt>\n"
      << "</Document>\n";
  out.close();
  if (!out) {
    std::fprintf(stderr, "camt_bench_data: write error on %s\n", argv[2]);
    return 1;
  }
  return 0;
}
