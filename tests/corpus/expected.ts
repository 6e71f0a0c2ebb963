/**
 * What Plutus must do with each file of the bad-input corpus (tests/corpus/files/, made by
 * make_corpus.ts), loaded by `plutus upload` into a `contacts` table (id text key, email,
 * name, amount decimal, signup date; reject_limit 0.5): fail with a clear error that says
 * where, loading nothing — or load exactly the right rows, rejecting the bad ones with
 * their line and reason.
 *
 * @module
 */

export interface Expected {
  status: "succeeded" | "failed";
  /** The step's error (failed) or note (succeeded), as shown to the analyst. */
  message?: RegExp;
  inserted?: number;
  duplicate?: number;
  /** Rejected rows: where, and why. */
  rejects?: [location: string, reason: RegExp][];
  /** `SELECT id, email, name, amount, signup FROM contacts ORDER BY id`, when it matters. */
  rows?: [string, string | null, string | null, number | null, string | null][];
}

export const PROJECT = {
  "plutus.yaml": `reject_limit: 0.5
sources:
  corpus:
    kind: file
    files: "*"
    table: contacts
`,
  "schema/contacts.yaml": `columns:
  id:     { type: text, required: true }
  email:  { type: email }
  name:   { type: text }
  amount: { type: decimal }
  signup: { type: date }
key: [id]
`,
};

const GOOD_ROWS: Expected["rows"] = [
  ["c1", "ana@example.com", "Ana", 10.5, "2026-11-01"],
  ["c2", "bo@example.com", "Bo", 20, "2026-11-02"],
];

export const EXPECTED: Record<string, Expected> = {
  "01_empty.csv": { status: "failed", message: /^01_empty\.csv is empty$/ },
  "02_header_only.csv": {
    status: "succeeded",
    inserted: 0,
    message: /the file has a header but no data rows/,
  },
  "03_blank_lines_only.csv": { status: "failed", message: /has no header line/ },
  "04_binary_garbage.csv": {
    status: "failed",
    message: /does not look like a text file: it holds binary data/,
  },
  "05_xlsx_named_csv.csv": {
    status: "succeeded",
    inserted: 2,
    rows: [
      ["x1", "xl@example.com", "Xu", 12.5, "2026-11-03"],
      ["x2", "xm@example.com", "Yan", 7, "2026-11-04"],
    ],
  },
  "06_csv_named_xlsx.xlsx": {
    status: "succeeded",
    inserted: 1,
    rows: [["w1", "w@example.com", "Wen", 3, "2026-11-05"]],
  },
  "07_truncated_quote.csv": {
    status: "failed",
    message: /^07_truncated_quote\.csv:4: a quoted field starts here and never closes$/,
  },
  "08_ragged_rows.csv": {
    status: "succeeded",
    inserted: 3,
    rejects: [
      ["08_ragged_rows.csv:4", /has 6 field\(s\), the header has 5/],
      ["08_ragged_rows.csv:5", /has 2 field\(s\), the header has 5/],
    ],
  },
  "09_nul_bytes.csv": {
    status: "failed",
    message: /1 of 1 rows rejected \(100%\), over the reject limit of 50%: nothing was loaded/,
    rejects: [["09_nul_bytes.csv:2", /contains a NUL character \(binary data\)/]],
  },
  "10_duplicate_headers.csv": {
    status: "failed",
    message: /column email \(from "email"\) matches more than one header/,
  },
  "11_blank_header.csv": {
    status: "succeeded",
    inserted: 2,
    message: /column 3 of the header has no name: its values are not loaded/,
  },
  "12_windows1252.csv": {
    status: "succeeded",
    rows: [["c1", "jose@example.com", "José Müller", 5, "2026-11-01"]],
  },
  "13_utf16le_bom.csv": {
    status: "succeeded",
    rows: [["c1", "ana@example.com", "Ana Ñúñez", 5, "2026-11-01"]],
  },
  "14_utf16be_bom.csv": {
    status: "succeeded",
    rows: [["c1", "bo@example.com", "Bø Ærø", 6, "2026-11-02"]],
  },
  "15_utf8_bom.csv": { status: "succeeded", rows: GOOD_ROWS },
  "16_emoji_rtl.csv": {
    status: "succeeded",
    rows: [
      ["c1", "ana@example.com", "Ana 😀👍🏽", 1, "2026-11-01"],
      ["c2", "omar@example.com", "عمر الفاروق", 2, "2026-11-02"],
      ["c3", "noa@example.com", "נועה כהן", 3, "2026-11-03"],
    ],
  },
  "17_number_edges.csv": {
    status: "succeeded",
    inserted: 3,
    rejects: [
      ["17_number_edges.csv:3", /amount: "1e309" is too large a number/],
      ["17_number_edges.csv:6", /amount: "NaN" is not a number/],
    ],
    rows: [
      ["00123", "zero@example.com", "Lead zero", 123, "2026-11-01"],
      ["c3", "sci@example.com", "Scientific", 1500, "2026-11-03"],
      ["c4", "neg@example.com", "Negative", -42.25, "2026-11-04"],
    ],
  },
  "18_impossible_dates.csv": {
    status: "succeeded",
    inserted: 2,
    rejects: [
      ["18_impossible_dates.csv:2", /signup: "2026-02-30" is not a real date/],
      ["18_impossible_dates.csv:4", /signup: "2026-13-01" is not a real date/],
    ],
    rows: [
      ["c2", "b@example.com", "Leap day", 2, "2024-02-29"],
      ["c4", "d@example.com", "Fine", 4, "2026-02-28"],
    ],
  },
  // 64 MB of zeros: stopped at 32 MB without a row, before the 64 MB inflate limit
  "19_zip_bomb.xlsx": {
    status: "failed",
    message:
      /^19_zip_bomb\.xlsx is not a readable workbook: after row 0, its sheet holds more than 32 MB without a complete row/,
  },
  "20_password.xlsx": { status: "failed", message: /^20_password\.xlsx is password-protected$/ },
  "21_corrupt_zip.xlsx": { status: "failed", message: /is not a readable workbook/ },
  "22_html_table.xls": {
    status: "succeeded",
    rows: [["h1", "html@example.com", "Hana", 9.5, "2026-11-06"]],
  },
  "23_json_named_csv.csv": {
    status: "failed",
    message: /no header "id" for column id\. Headers found: \[\{"id": "c1"/,
  },
  "24_cr_line_endings.csv": { status: "succeeded", rows: GOOD_ROWS },
  "25_mixed_line_endings.csv": { status: "succeeded", rows: GOOD_ROWS },
  "26_quoted_newlines.csv": {
    status: "succeeded",
    inserted: 1,
    rejects: [["26_quoted_newlines.csv:4", /email: "not an email" is not an email address/]],
    rows: [["c1", "ana@example.com", "Ana\nsecond line", 1, "2026-11-01"]],
  },
  "27_missing_required_header.csv": {
    status: "failed",
    message:
      /^27_missing_required_header\.csv:1: no header "id" for column id.*Headers found: email, name$/,
  },
  "28_headers_with_spaces.csv": { status: "succeeded", rows: GOOD_ROWS },
  "29_duplicate_keys.csv": {
    status: "succeeded",
    inserted: 2,
    duplicate: 1,
    rows: [
      ["c1", "ana.new@example.com", "Ana", 11, "2026-11-09"],
      GOOD_ROWS[1]!,
    ],
  },
  "30_injection_values.csv": {
    status: "succeeded",
    rows: [
      ["c1", "ana@example.com", "Robert'); DROP TABLE contacts;--", 1, "2026-11-01"],
      ["c2", "bo@example.com", '=HYPERLINK("http://evil.example","x")', 2, "2026-11-02"],
    ],
  },
  "31_very_wide.csv": { status: "succeeded", rows: [GOOD_ROWS[0]!] },
  "32_trailing_blank_lines.csv": { status: "succeeded", inserted: 2, message: /blank row/ },
  "33_real_xls.xls": {
    status: "succeeded",
    rows: [["v1", "v1@example.com", "Vera", 1.25, "2026-11-07"]],
  },
  "34_empty_workbook.xlsx": {
    status: "failed",
    message: /^34_empty_workbook\.xlsx has no header row in sheet "Contacts"$/,
  },
  "40_lone_cr_in_crlf.csv": {
    status: "succeeded",
    rows: [...GOOD_ROWS, ["c3", "cy@example.com", "Cy\rSecond", 3, "2026-11-03"]],
  },
  [`41_long_name_${"x".repeat(234)}.csv`]: { status: "succeeded", inserted: 2 },
  "37_xlsx_far_column.xlsx": {
    status: "failed",
    message:
      /^37_xlsx_far_column\.xlsx: sheet "Contacts", cell ZZZZZZ2 is beyond Excel's last column XFD \(16,384 columns\)/,
  },
  "38_ods_repeated_cell.ods": {
    status: "failed",
    message:
      /^38_ods_repeated_cell\.ods: sheet "Contacts", row 2: a filled cell repeated 16000000 times reaches past Excel's last column XFD/,
  },
  "39_shared_strings_bomb.xlsx": {
    status: "failed",
    message: /its shared strings \(xl\/sharedStrings\.xml\) take more than 128 MB/,
  },
  "40_ods_zip_bomb.ods": {
    status: "failed",
    message: /^40_ods_zip_bomb\.ods inflates to more than 100 MB: it is not a normal workbook/,
  },
  // one 400 MB cell, 1000:1: refused at 32 MB, without holding 64 MB inflated chunks
  "42_one_huge_cell.xlsx": {
    status: "failed",
    message:
      /^42_one_huge_cell\.xlsx is not a readable workbook: after row 1, its sheet holds more than 32 MB without a complete row/,
  },
  "43_huge_shared_strings.xlsx": {
    status: "failed",
    message: /its shared strings \(xl\/sharedStrings\.xml\) take more than 128 MB/,
  },
  // written by the test, too big to commit
  "35_long_cell.csv": { status: "succeeded", inserted: 1 },
  "36_one_20mb_line.csv": {
    status: "failed",
    message: /^36_one_20mb_line\.csv:1: the header line does not end within the first MB$/,
  },
};

/** The files the test writes itself: 20 MB each. */
export function bigFiles(): Record<string, string> {
  return {
    "35_long_cell.csv": `id,email,name,amount,signup\nc1,a@example.com,${
      "x".repeat(20 << 20)
    },1,2026-11-01\n`,
    "36_one_20mb_line.csv": Array.from({ length: 2_500_000 }, (_, i) => `v${i}`).join(",")
      .slice(0, 20 << 20),
  };
}
