/**
 * A help topic (docs/help/<topic>.md) for a terminal: headings, paragraphs and list items
 * wrapped to the width, code blocks indented and left as they are, tables as aligned columns
 * (or one block per row when they would not fit). Bold and code are coloured when colour is on,
 * otherwise `code` keeps its backticks and **bold** loses its stars. Links show their address.
 *
 * Only the Markdown the topics use: # headings, paragraphs, - and 1. lists, fenced code, tables.
 */
import stringWidth from 'string-width';
import { hasColor, PLAIN, type Style } from './style.js';

export interface HelpRenderOptions {
  readonly width: number;
  readonly style: Style;
}

function inline(text: string, style: Style): string {
  const color = hasColor(style);
  return text
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, (_, label: string, href: string) => (/^[a-z]+:/i.test(href) ? `${label} (${href})` : label))
    .replace(/`([^`]+)`/g, (_, code: string) => (color ? style.cyan(code) : `\`${code}\``))
    .replace(/\*\*([^*]+)\*\*/g, (_, bold: string) => style.bold(bold));
}

/** Greedy word wrap; a word longer than the width gets its own line. */
export function wrap(text: string, width: number, firstIndent = '', restIndent = firstIndent): string[] {
  const words = text.split(/\s+/).filter((w) => w !== '');
  const lines: string[] = [];
  let line = firstIndent;
  let empty = true;
  for (const word of words) {
    const candidate = empty ? `${line}${word}` : `${line} ${word}`;
    if (!empty && stringWidth(candidate) > width) {
      lines.push(line);
      line = `${restIndent}${word}`;
    } else {
      line = candidate;
    }
    empty = false;
  }
  if (!empty) lines.push(line);
  return lines;
}

function splitRow(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim().replace(/\\\|/g, '|'));
}

function renderTable(rows: string[][], options: HelpRenderOptions): string[] {
  const [head, ...body] = rows;
  if (head === undefined) return [];
  const cells = [head, ...body].map((row) => row.map((cell) => inline(cell, options.style)));
  const widths = head.map((_, i) => Math.max(...cells.map((row) => stringWidth(row[i] ?? ''))));
  const total = widths.reduce((sum, w) => sum + w, 0) + 2 * (widths.length - 1) + 2;
  if (total <= options.width) {
    return cells.map((row, r) => {
      const line = `  ${row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - stringWidth(cell)))).join('  ')}`.trimEnd();
      return r === 0 ? options.style.bold(line) : line;
    });
  }
  // Too wide, with short keys: a definition list, the other cells wrapped beside the key.
  const keyWidth = widths[0] ?? 0;
  if (keyWidth <= 24) {
    const hang = ' '.repeat(2 + keyWidth + 2);
    return cells.slice(1).flatMap((row) => {
      const key = row[0] ?? '';
      const first = `  ${key}${' '.repeat(keyWidth - stringWidth(key))}  `;
      const rest = row.slice(1).filter((cell) => cell !== '').join(' — ');
      return rest === '' ? [first.trimEnd()] : wrap(rest, options.width, first, hang);
    });
  }
  // Too wide, long keys: one block per row, the first cell as its title.
  const out: string[] = [];
  for (const row of cells.slice(1)) {
    out.push(`  ${options.style.bold(row[0] ?? '')}`);
    row.slice(1).forEach((cell, i) => {
      const label = row.length > 2 && stringWidth(cells[0]![i + 1] ?? '') > 0 ? `${cells[0]![i + 1]}: ` : '';
      if (cell !== '') out.push(...wrap(`${label}${cell}`, options.width, '      ', '      '));
    });
  }
  return out;
}

export function renderHelpTopic(markdown: string, options: HelpRenderOptions): string {
  const width = Math.max(40, options.width);
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  const blank = (): void => {
    if (out.length > 0 && out[out.length - 1] !== '') out.push('');
  };
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const fence = /^(\s*)(`{3,}|~{3,})/.exec(line);
    if (fence) {
      blank();
      const close = fence[2]!;
      i += 1;
      while (i < lines.length && !lines[i]!.trim().startsWith(close)) {
        const code = lines[i]!;
        out.push(code === '' ? '' : `    ${options.style.dim(code)}`);
        i += 1;
      }
      i += 1;
      blank();
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      blank();
      const text = inline(heading[2]!.trim(), PLAIN);
      const shown = heading[1]!.length === 1 ? text.toUpperCase() : text;
      out.push(options.style.bold(shown));
      if (heading[1]!.length <= 2 && !hasColor(options.style)) out.push(heading[1]!.length === 1 ? '='.repeat(stringWidth(shown)) : '-'.repeat(stringWidth(shown)));
      out.push('');
      i += 1;
      continue;
    }
    if (/^\s*\|/.test(line)) {
      const rows: string[][] = [];
      while (i < lines.length && /^\s*\|/.test(lines[i]!)) {
        if (!/^\s*\|?\s*:?-{3,}/.test(lines[i]!)) rows.push(splitRow(lines[i]!));
        i += 1;
      }
      blank();
      out.push(...renderTable(rows, { ...options, width }));
      blank();
      continue;
    }
    const item = /^(\s*)([-*]|\d+\.)\s+(.*)$/.exec(line);
    if (item) {
      const indent = item[1]!.length >= 2 ? '    ' : '  ';
      const marker = /\d/.test(item[2]!) ? item[2]! : '•';
      let text = item[3]!;
      i += 1;
      // Continuation lines: indented, not a new item, not blank.
      while (i < lines.length && /^\s{2,}\S/.test(lines[i]!) && !/^\s*([-*]|\d+\.)\s+/.test(lines[i]!)) {
        text += ` ${lines[i]!.trim()}`;
        i += 1;
      }
      out.push(...wrap(inline(text, options.style), width, `${indent}${marker} `, `${indent}${' '.repeat(marker.length + 1)}`));
      continue;
    }
    if (line.trim() === '') {
      blank();
      i += 1;
      continue;
    }
    let paragraph = line.trim();
    i += 1;
    while (i < lines.length && lines[i]!.trim() !== '' && !/^(\s*)(`{3,}|~{3,}|#{1,6}\s|\||[-*]\s|\d+\.\s)/.test(lines[i]!)) {
      paragraph += ` ${lines[i]!.trim()}`;
      i += 1;
    }
    out.push(...wrap(inline(paragraph, options.style), width));
  }
  while (out[out.length - 1] === '') out.pop();
  return `${out.join('\n')}\n`;
}
