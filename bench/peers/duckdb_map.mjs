// The DuckDB peer of bench/map_bench.sh: the same column mapping as the shipped Tributary
// mapping, as one SQL COPY to JSON lines, on one thread.
// Usage: node duckdb_map.mjs generic|fec INPUT OUTPUT
import { DuckDBInstance } from '@duckdb/node-api';

const [format, input, output] = process.argv.slice(2);
const quoted = (text) => `'${text.replaceAll("'", "''")}'`;

// One row per open item: the receivable's key, kind, number, customer key and name, dates,
// currency and amounts as exact decimal text.
const queries = {
  generic: `
    SELECT 'bench:receivable:FR01-' || document_number AS key,
           'FR01-' || document_number AS source_key,
           CASE document_type WHEN 'invoice' THEN 'invoice' WHEN 'credit_note' THEN 'credit_note' END AS kind,
           document_number AS number,
           'bench:customer:FR01-' || account_number AS customer,
           customer_name,
           CAST(issue_date AS DATE) AS issue_date,
           CAST(due_date AS DATE) AS due_date,
           currency,
           CAST(CAST(total AS DECIMAL(18, 2)) AS VARCHAR) AS total,
           CAST(CAST(open_amount AS DECIMAL(18, 2)) AS VARCHAR) AS open_amount
    FROM read_csv(${quoted(input)}, delim = ';', header = true, all_varchar = true)`,
  // Customer lines (411*) not lettered, netted per (customer, document); a positive balance
  // is an invoice, a negative one a credit note in a sales journal, else cash on account.
  fec: `
    SELECT 'bench:receivable:FR01-' || CompAuxNum || '-' || PieceRef AS key,
           CASE WHEN balance > 0 THEN 'invoice'
                WHEN journal IN ('VE', 'VEN') THEN 'credit_note'
                ELSE 'payment_on_account' END AS kind,
           PieceRef AS number,
           'bench:customer:FR01-' || CompAuxNum AS customer,
           customer_name,
           CAST(strptime(piece_date, '%Y%m%d') AS DATE) AS issue_date,
           CAST(strptime(piece_date, '%Y%m%d') AS DATE) + 30 AS due_date,
           'EUR' AS currency,
           CAST(abs(balance) AS VARCHAR) AS open_amount
    FROM (
      SELECT CompAuxNum, PieceRef, first(CompAuxLib) AS customer_name, first(PieceDate) AS piece_date,
             first(JournalCode) AS journal,
             sum(CAST(replace(Debit, ',', '.') AS DECIMAL(18, 2)))
               - sum(CAST(replace(Credit, ',', '.') AS DECIMAL(18, 2))) AS balance
      FROM read_csv(${quoted(input)}, delim = '\t', header = true, all_varchar = true, quote = '')
      WHERE CompteNum LIKE '411%' AND coalesce(EcritureLet, '') = ''
      GROUP BY CompAuxNum, PieceRef)
    WHERE balance <> 0`,
};

if (!queries[format] || !input || !output) {
  console.error('usage: node duckdb_map.mjs generic|fec INPUT OUTPUT');
  process.exit(2);
}
const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
const connection = await instance.connect();
await connection.run('SET threads = 1');
await connection.run(`COPY (${queries[format]}) TO ${quoted(output)} (FORMAT json)`);
