#!/usr/bin/env node
// Builds syntaxes/zhibiao.tmLanguage.json, the TextMate grammar of the
// zhibiao rule language (grammar/zhibiao.pest is the real grammar).
//
//   node syntaxes/build.js          write the JSON
//   node syntaxes/build.js --check  fail if the JSON is not up to date
//
// The JSON is committed (VS Code reads it); this file is its source, so
// the regular expressions can be written with String.raw and explained
// in comments, which JSON cannot hold.
//
// How Chinese keywords are told apart from names
// ----------------------------------------------
// Chinese text has no spaces between words, and `\b` is of no use: between
// two Han characters there is no word boundary. The language itself
// (grammar/zhibiao.pest) decides by whole words: a *word* is a run of
// letters, digits and `_` (pest's LETTER | NUMBER | "_", here
// [\p{L}\p{N}_]) that starts with a letter or `_`, and a word is a keyword
// only when the whole word is one (`kw_x = @{ "x" ~ !ident_char }`,
// `ident = !(keyword ~ !ident_char) ~ …`). So the grammar does the same:
//
// * Every keyword pattern ends with the look-ahead (?![\p{L}\p{N}_]) and
//   starts with the look-behind (?<![\p{L}_]) (a digit may come before:
//   `5分` is the number 5 and the keyword 分, as in pest, where numbers
//   are tokens of their own).
// * The last pattern matches a whole name, [\p{L}_][\p{L}\p{N}_]*. A
//   TextMate scanner takes the match that starts first, so once it is at
//   the start of a name it consumes the whole name, and no keyword inside
//   it is ever highlighted: `加分项数`, `分档审查率`, `失信事件`, `制度得`
//   are names, as the parser reads them.
// * Glued text such as `得4分`, `扣2.5分`, `指标1.1`, `否则得0分` (a keyword
//   written without the space before a number) is one name to the parser,
//   which rejects it with E0001 and the help "把“得4分”写作“得 4 分”".
//   The grammar marks exactly that shape as invalid.illegal.glued-keyword,
//   with the keyword part also scoped as a keyword, so the slip shows
//   before the file is checked: a whole word made of one keyword the
//   parser's glued() help knows (src/syntax/parser.rs GLUED, plus 指标 and
//   否则得), a number or code, and at most a % and 分. Words with anything
//   more stay names, since they may be legal ones: `得分1` (得 then 分),
//   `指标1得分`, `扣分2` are names to the parser too. A keyword glued to a
//   name (`为优秀`) cannot be told from a name that merely starts with a
//   keyword (`为民服务数`), so it is left as a name, as the parser reads it.
// * Names that are keywords only in one place are matched only there:
//   the test-file keywords (测试 基准 用例 事件 另有主体 期望) only in the
//   shapes of a test file, 分值/权重 only after 计分, 枚举 only as a type.

'use strict';

const fs = require('fs');
const path = require('path');

const W = String.raw`[\p{L}\p{N}_]`; // a character that continues a word
// A word starts where no letter or `_` precedes; a digit may precede,
// since a number is a token of its own (`4分数` is 4 and the name 分数).
const BEFORE = String.raw`(?<![\p{L}_])`;
const START = String.raw`(?<![\p{L}\p{N}_])`; // not after a letter or digit (dates, codes)
const END = String.raw`(?![\p{L}\p{N}_])`; // the word ends here
const IDENT = String.raw`[\p{L}_][\p{L}\p{N}_]*`;
const STRING = String.raw`"[^"\n]*"|“[^”\n]*”`;
const CODE = String.raw`[0-9]+(?:\.[0-9]+)*`; // indicator code 1.2.3

/** A whole keyword out of `words` (longest first, so the list order does not matter). */
function kw(words) {
  const sorted = [...words].sort((a, b) => b.length - a.length);
  return `${BEFORE}(?:${sorted.join('|')})${END}`;
}

// Keyword groups. Every keyword of grammar/zhibiao.pest (its `keyword`
// list and the kw_* rules, incl. 不单调 and the test-file keywords) is in
// exactly one group; test/keywords.js checks that against the .pest file.
const KEYWORDS = {
  // file header: 继承 "base.zb", 标准 "…", 版本 "…", 适用 "…", 计分 分值
  'keyword.other.header': ['继承', '标准', '版本', '适用', '计分'],
  // statements that declare something
  'keyword.declaration': [
    '参数', '期间', '对象表', '事件表', '枚举', '通则', '指标', '令',
    '加分', '否决', '等级', '删除', '修改', '扩展',
  ],
  // field constraints in 对象表/事件表
  'keyword.other.constraint': ['主键', '唯一', '必填', '分组', '引用', '不大于', '范围'],
  // 通则 { … } policies
  'keyword.other.policy': [
    '满分', '舍入', '四舍五入', '位', '分母为零', '得满分', '得零分', '缺失',
    '加分上限', '总分上限', '否决等级',
  ],
  // scoring rules and their rows
  'keyword.control': [
    '若', '得', '否则', '分档', '插值', '公式', '扣分', '扣完为止', '每', '扣',
    '清单', '对照', '不单调', '加', '当', '为',
  ],
  // units of a weight: 5 分, 权重 20%
  'keyword.other.unit': ['分', '权重'],
  // operators written as words
  'keyword.operator.word': ['且', '或', '非', '在', '满足', '至'],
  // 条数(事件表 …), 合计(事件表.字段 …)
  'keyword.other.aggregate': ['条数', '合计'],
};
// Test-file keywords (*.test.zb): matched in their statements only.
const TEST_KEYWORDS = ['测试', '基准', '用例', '事件', '另有主体', '期望'];

// Keywords the parser's glued() help splits off a word (src/syntax/parser.rs
// GLUED), 指标 (`指标1.1`, see src/syntax/recover.rs) and 否则得 (`否则得0分`).
const GLUED = ['扣完为止', '否则得', '否则', '指标', '得', '扣', '加', '为', '每', '若', '当', '至', '且', '或', '非', '分'];

// Type names (docs/language.md §5.3); any other name after `:` is a type
// the checker rejects (E0108), scoped entity.name.type.
const TYPES = ['文本', '计数', '小数', '百分数', '分数', '是否', '日期', '金额', '年份'];
// Functions (docs/language.md §11.3).
const FUNCTIONS = ['最高', '最低', '最小', '最大', '限定', '日期'];

const typeName = {
  patterns: [
    { match: `${BEFORE}(?:${TYPES.join('|')})${END}`, name: 'support.type.builtin.zhibiao' },
    { match: IDENT, name: 'entity.name.type.zhibiao' },
  ],
};

const grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: '指标规则',
  scopeName: 'source.zhibiao',
  comment:
    'Generated by syntaxes/build.js (which explains the design); edit that file and run `node syntaxes/build.js`.',
  fileTypes: ['zb', 'test.zb'],
  patterns: [
    { include: '#comment' },
    { include: '#string' },
    { include: '#test-file' },
    { include: '#rule' },
  ],
  repository: {
    comment: {
      comment: '`#` or `//` to the end of the line (pest COMMENT).',
      patterns: [
        {
          match: '(#).*$',
          name: 'comment.line.number-sign.zhibiao',
          captures: { 1: { name: 'punctuation.definition.comment.zhibiao' } },
        },
        {
          match: '(//).*$',
          name: 'comment.line.double-slash.zhibiao',
          captures: { 1: { name: 'punctuation.definition.comment.zhibiao' } },
        },
      ],
    },
    string: {
      comment: 'Strings do not span lines and have no escapes; "…" or Chinese “…”.',
      patterns: [
        {
          begin: '"',
          end: '"|$',
          name: 'string.quoted.double.zhibiao',
          beginCaptures: { 0: { name: 'punctuation.definition.string.begin.zhibiao' } },
          endCaptures: { 0: { name: 'punctuation.definition.string.end.zhibiao' } },
        },
        {
          begin: '“',
          end: '”|$',
          name: 'string.quoted.double.chinese.zhibiao',
          beginCaptures: { 0: { name: 'punctuation.definition.string.begin.zhibiao' } },
          endCaptures: { 0: { name: 'punctuation.definition.string.end.zhibiao' } },
        },
      ],
    },

    // ------------------------------------------------------------ rules
    rule: {
      patterns: [
        { include: '#glued' },
        { include: '#declaration' },
        { include: '#keyword' },
        { include: '#constant' },
        { include: '#number' },
        { include: '#operator' },
        { include: '#punctuation' },
        { include: '#full-width' },
        { include: '#call' },
        { include: '#name' },
      ],
    },
    glued: {
      comment:
        'A keyword glued to a number (`得4分`, `否则得0分`, `指标1.1`): one name to the parser, which reports E0001.',
      match: `${BEFORE}(${GLUED.join('|')})([0-9]+(?:\\.[0-9]+)*[%％]?分?)${END}`,
      name: 'invalid.illegal.glued-keyword.zhibiao',
      captures: {
        1: { name: 'keyword.other.glued.zhibiao' },
        2: { name: 'constant.numeric.glued.zhibiao' },
      },
    },
    declaration: {
      comment: 'Keywords followed by what they declare; listed before #keyword so they win at the same position.',
      patterns: [
        {
          comment: '指标 1.2.3 名称 5 分 {, 修改 指标 2 15 分',
          match: `${BEFORE}(指标)${END}(?:\\s+(${CODE})${END}(?:\\s+(?!(?:权重|分)${END})(${STRING}|${IDENT}))?)?`,
          captures: {
            1: { name: 'keyword.declaration.zhibiao' },
            2: { name: 'constant.other.indicator-code.zhibiao' },
            3: { name: 'entity.name.section.indicator.zhibiao', patterns: [{ include: '#string' }] },
          },
        },
        {
          comment: '删除 2.3',
          match: `${BEFORE}(删除)${END}(?:\\s+(${CODE})${END})?`,
          captures: {
            1: { name: 'keyword.declaration.zhibiao' },
            2: { name: 'constant.other.indicator-code.zhibiao' },
          },
        },
        {
          comment: '加分 B1 名称 {, 否决 V1 名称 当 …, 删除 加分 B1',
          match: `${BEFORE}(加分|否决)${END}(?:\\s+([A-Za-z]+[0-9]+)${END}(?:\\s+(?!当${END})(${STRING}|${IDENT}))?)?`,
          captures: {
            1: { name: 'keyword.declaration.zhibiao' },
            2: { name: 'constant.other.item-code.zhibiao' },
            3: { name: 'entity.name.section.item.zhibiao', patterns: [{ include: '#string' }] },
          },
        },
        {
          comment: '令 名称 =, 期间 名称 =',
          match: `${BEFORE}(令|期间)${END}(?:\\s+(${IDENT})(?:\\s*(=)(?!=))?)?`,
          captures: {
            1: { name: 'keyword.declaration.zhibiao' },
            2: { name: 'variable.other.definition.zhibiao' },
            3: { name: 'keyword.operator.assignment.zhibiao' },
          },
        },
        {
          comment: '参数 名称: 类型 = 值, 修改 参数 名称 = 值',
          match: `${BEFORE}(参数)${END}(?:\\s+(${IDENT})(?:\\s*(:)\\s*(${IDENT}))?(?:\\s*(=)(?!=))?)?`,
          captures: {
            1: { name: 'keyword.declaration.zhibiao' },
            2: { name: 'variable.other.definition.zhibiao' },
            3: { name: 'punctuation.separator.colon.zhibiao' },
            4: typeName,
            5: { name: 'keyword.operator.assignment.zhibiao' },
          },
        },
        {
          comment: '对象表 名称 {, 事件表 名称 {, 扩展 名称 {',
          match: `${BEFORE}(对象表|事件表|扩展)${END}(?:\\s+(${IDENT}))?`,
          captures: {
            1: { name: 'keyword.declaration.zhibiao' },
            2: { name: 'entity.name.type.table.zhibiao' },
          },
        },
        {
          comment: '计分 分值 / 计分 权重',
          match: `${BEFORE}(计分)${END}(?:\\s+(分值|权重)${END})?`,
          captures: {
            1: { name: 'keyword.other.header.zhibiao' },
            2: { name: 'constant.language.scoring-mode.zhibiao' },
          },
        },
        {
          comment: 'A field of a table: 名称: 类型 (枚举 stays a keyword).',
          match: `${BEFORE}(${IDENT})\\s*(:)(?:\\s*(?!枚举${END})(${IDENT}))?`,
          captures: {
            1: { name: 'variable.other.field.zhibiao' },
            2: { name: 'punctuation.separator.colon.zhibiao' },
            3: typeName,
          },
        },
      ],
    },
    keyword: {
      patterns: Object.entries(KEYWORDS).map(([scope, words]) => ({
        match: kw(words),
        name: `${scope}.zhibiao`,
      })),
    },
    constant: {
      patterns: [
        { match: `${BEFORE}(?:是|否)${END}`, name: 'constant.language.boolean.zhibiao' },
      ],
    },
    number: {
      comment: 'Dates, percentages (95%, 95％), numbers (5, 0.5). ASCII digits only, as in pest.',
      patterns: [
        { match: `${START}[0-9]{4}-[0-9]{2}-[0-9]{2}(?![0-9])`, name: 'constant.numeric.date.zhibiao' },
        {
          match: '(?<![0-9])(?<![0-9]\\.)[0-9]+(?:\\.[0-9]+)?([%％])',
          name: 'constant.numeric.percent.zhibiao',
          captures: { 1: { name: 'keyword.other.unit.percent.zhibiao' } },
        },
        { match: '(?<![0-9])(?<![0-9]\\.)[0-9]+(?:\\.[0-9]+)?', name: 'constant.numeric.zhibiao' },
      ],
    },
    operator: {
      patterns: [
        { match: '==|!=|>=|<=|[=≠≥≤><]', name: 'keyword.operator.comparison.zhibiao' },
        { match: '[×*÷/+-]', name: 'keyword.operator.arithmetic.zhibiao' },
        { match: '\\.\\.', name: 'keyword.operator.range.zhibiao' },
      ],
    },
    punctuation: {
      patterns: [
        { match: '\\{', name: 'punctuation.section.block.begin.zhibiao' },
        { match: '\\}', name: 'punctuation.section.block.end.zhibiao' },
        { match: '\\(', name: 'punctuation.section.parens.begin.zhibiao' },
        { match: '\\)', name: 'punctuation.section.parens.end.zhibiao' },
        { match: ',', name: 'punctuation.separator.comma.zhibiao' },
        { match: ':', name: 'punctuation.separator.colon.zhibiao' },
        { match: '\\.', name: 'punctuation.accessor.zhibiao' },
      ],
    },
    'full-width': {
      comment:
        'Full-width punctuation an input method types outside quotes and comments: E0001 (src/syntax/parser.rs FULL_WIDTH). ％ after a number is a valid percent sign.',
      match: '[：（），、＝＞＜＋－｛｝．]',
      name: 'invalid.illegal.full-width.zhibiao',
    },
    call: {
      patterns: [
        {
          match: `${BEFORE}(?:${FUNCTIONS.join('|')})(?=\\s*\\()`,
          name: 'support.function.builtin.zhibiao',
        },
        { match: `${BEFORE}${IDENT}(?=\\s*\\()`, name: 'entity.name.function.zhibiao' },
      ],
    },
    name: {
      comment:
        'A whole name, after every keyword pattern: it swallows keywords inside names (加分项数), so they are not highlighted.',
      patterns: [
        {
          match: `${BEFORE}(${IDENT})(\\.)(${IDENT})`,
          captures: {
            1: { name: 'variable.other.table.zhibiao' },
            2: { name: 'punctuation.accessor.zhibiao' },
            3: { name: 'variable.other.field.zhibiao' },
          },
        },
        { match: `${BEFORE}${IDENT}`, name: 'variable.other.zhibiao' },
      ],
    },

    // ------------------------------------------------------------ test files
    'test-file': {
      comment: 'The statements of a *.test.zb file (pest test_file).',
      patterns: [
        {
          comment: '测试 "national.zb"',
          match: `^\\s*(测试)(?=\\s*["“])`,
          captures: { 1: { name: 'keyword.other.test.zhibiao' } },
        },
        {
          comment: '基准 { 名称 = 值 … }',
          begin: `${BEFORE}(基准)\\s*(\\{)`,
          end: '\\}',
          beginCaptures: {
            1: { name: 'keyword.other.test.zhibiao' },
            2: { name: 'punctuation.section.block.begin.zhibiao' },
          },
          endCaptures: { 0: { name: 'punctuation.section.block.end.zhibiao' } },
          name: 'meta.block.baseline.zhibiao',
          patterns: [{ include: '#test-body' }],
        },
        {
          comment: '用例 "名称" { … }',
          begin: `${BEFORE}(用例)${END}\\s*(${STRING})?\\s*(\\{)`,
          end: '\\}',
          beginCaptures: {
            1: { name: 'keyword.other.test.zhibiao' },
            2: { name: 'entity.name.section.case.zhibiao', patterns: [{ include: '#string' }] },
            3: { name: 'punctuation.section.block.begin.zhibiao' },
          },
          endCaptures: { 0: { name: 'punctuation.section.block.end.zhibiao' } },
          name: 'meta.block.case.zhibiao',
          patterns: [{ include: '#test-body' }],
        },
      ],
    },
    'test-body': {
      patterns: [
        { include: '#comment' },
        {
          comment: '事件 事件表 { 字段 = 值, … }',
          begin: `${BEFORE}(事件)\\s+(${IDENT})\\s*(\\{)`,
          end: '\\}',
          beginCaptures: {
            1: { name: 'keyword.other.test.zhibiao' },
            2: { name: 'entity.name.type.table.zhibiao' },
            3: { name: 'punctuation.section.block.begin.zhibiao' },
          },
          endCaptures: { 0: { name: 'punctuation.section.block.end.zhibiao' } },
          patterns: [{ include: '#test-body' }],
        },
        {
          comment: '另有主体 { 字段 = 值 … }',
          begin: `${BEFORE}(另有主体)\\s*(\\{)`,
          end: '\\}',
          beginCaptures: {
            1: { name: 'keyword.other.test.zhibiao' },
            2: { name: 'punctuation.section.block.begin.zhibiao' },
          },
          endCaptures: { 0: { name: 'punctuation.section.block.end.zhibiao' } },
          patterns: [{ include: '#test-body' }],
        },
        {
          comment: '期望 目标 = 值 (the value runs to the end of the line, `}` or `#`)',
          match: `${BEFORE}(期望)${END}(?:\\s*([^\\s=#}]+))?(?:\\s*(=)\\s*([^#}\\n]*[^#}\\s])?)?`,
          captures: {
            1: { name: 'keyword.other.test.zhibiao' },
            2: { name: 'meta.expect.target.zhibiao', patterns: [{ include: '#expect-target' }] },
            3: { name: 'keyword.operator.assignment.zhibiao' },
            4: { name: 'meta.expect.value.zhibiao', patterns: [{ include: '#expect-value' }] },
          },
        },
        {
          comment: '字段 = 值 (a bare value runs to white space , } # /)',
          match: `${BEFORE}(${IDENT})\\s*(=)(?!=)\\s*(${STRING}|[^\\s,}#/]+)?`,
          captures: {
            1: { name: 'variable.other.field.zhibiao' },
            2: { name: 'keyword.operator.assignment.zhibiao' },
            3: { patterns: [{ include: '#data-value' }] },
          },
        },
        { include: '#string' },
        { include: '#punctuation' },
      ],
    },
    'expect-target': {
      comment: '总分 基础分 加分 否决 等级 缺失, or an indicator code',
      patterns: [
        { match: CODE, name: 'constant.other.indicator-code.zhibiao' },
        { include: '#keyword' },
        { match: IDENT, name: 'variable.other.zhibiao' },
      ],
    },
    'expect-value': {
      comment: '100, 98.75, 合格, 无, 2.1.1, 5.2.2 (缺失), V1, V2 (否决)',
      patterns: [
        { match: `${START}[0-9]+(?:\\.[0-9]+){2,}`, name: 'constant.other.indicator-code.zhibiao' },
        { match: `${BEFORE}[A-Za-z]+[0-9]+${END}`, name: 'constant.other.item-code.zhibiao' },
        { match: ',', name: 'punctuation.separator.comma.zhibiao' },
        { include: '#number' },
        { include: '#constant' },
        { match: `${BEFORE}无${END}`, name: 'constant.language.none.zhibiao' },
        { include: '#string' },
        { match: IDENT, name: 'variable.other.zhibiao' },
      ],
    },
    'data-value': {
      comment:
        'A bare value: white space and , } # / end it; a whole date or number in it is scoped as one ($ is the end of the value).',
      patterns: [
        { include: '#string' },
        { include: '#constant' },
        {
          match: '(?<=[\\s=])(?:[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}|[0-9]+(?:\\.[0-9]+)?[%％]?)$',
          name: 'constant.numeric.zhibiao',
        },
        { match: '.+', name: 'string.unquoted.value.zhibiao' },
      ],
    },
  },
};

// Sanity: every keyword is in one group only.
{
  const seen = new Map();
  for (const [scope, words] of Object.entries(KEYWORDS)) {
    for (const w of words) {
      if (seen.has(w)) throw new Error(`${w} in ${seen.get(w)} and ${scope}`);
      seen.set(w, scope);
    }
  }
}

module.exports = { grammar, KEYWORDS, TEST_KEYWORDS };

if (require.main === module) {
  const out = path.join(__dirname, 'zhibiao.tmLanguage.json');
  const text = JSON.stringify(grammar, null, 2) + '\n';
  if (process.argv.includes('--check')) {
    const old = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
    if (old !== text) {
      console.error('syntaxes/zhibiao.tmLanguage.json is not up to date: run `node syntaxes/build.js`');
      process.exit(1);
    }
    console.log('syntaxes/zhibiao.tmLanguage.json is up to date');
  } else {
    fs.writeFileSync(out, text);
    console.log(`wrote ${path.relative(process.cwd(), out)}`);
  }
}
