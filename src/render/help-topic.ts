/**
 * A help topic (docs/help/<topic>.md) for a terminal: headings, paragraphs and list items
 * wrapped to the width, code blocks indented and left as they are, tables as aligned columns
 * (or one block per row when they would not fit). Bold and code are coloured when colour is on,
 * otherwise `code` keeps its backticks and **bold** loses its stars. Links show their address.
 *
 * Only the Markdown the topics use: # headings, paragraphs, - and 1. lists, fenced code, tables.
 */
export interface HelpRenderOptions {
  readonly width: number;
  readonly color: boolean;
}

const SGR = /\u001b\[[0-9;]*m/g;

function visibleLength(text: string): number {
  return [...text.replace(SGR, '')].length;
}

function inline(text: string, color: boolean): string {
  return text
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, (_, label: string, href: string) => (/^[a-z]+:/i.test(href) ? `${label} (${href})` : label))
    .replace(/`([^`]+)`/g, (_, code: string) => (color ? `\u001b[36m${code}\u001b[39m` : `\`${code}\``))
    .replace(/\*\*([^*]+)\*\*/g, (_, bold: string) => (color ? `\u001b[1m${bold}\u001b[22m` : bold));
}

/** Greedy word wrap; a word longer than the width gets its own line. */
export function wrap(text: string, width: number, firstIndent = '', restIndent = firstIndent): string[] {
  const words = text.split(/\s+/).filter((w) => w !== '');
  const lines: string[] = [];
  let line = firstIndent;
  let empty = true;
  for (const word of words) {
    const candidate = empty ? `${line}${word}` : `${line} ${word}`;
    if (!empty && visibleLength(candidate) > width) {
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
  const cells = [head, ...body].map((row) => row.map((cell) => inline(cell, options.color)));
  const widths = head.map((_, i) => Math.max(...cells.map((row) => visibleLength(row[i] ?? ''))));
  const total = widths.reduce((sum, w) => sum + w, 0) + 2 * (widths.length - 1) + 2;
  if (total <= options.width) {
    return cells.map((row, r) => {
      const line = `  ${row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - visibleLength(cell)))).join('  ')}`.trimEnd();
      return r === 0 && options.color ? `\u001b[1m${line}\u001b[22m` : line;
    });
  }
  // Too wide, with short keys: a definition list, the other cells wrapped beside the key.
  const keyWidth = widths[0] ?? 0;
  if (keyWidth <= 24) {
    const hang = ' '.repeat(2 + keyWidth + 2);
    return cells.slice(1).flatMap((row) => {
      const key = row[0] ?? '';
      const first = `  ${key}${' '.repeat(keyWidth - visibleLength(key))}  `;
      const rest = row.slice(1).filter((cell) => cell !== '').join(' — ');
      return rest === '' ? [first.trimEnd()] : wrap(rest, options.width, first, hang);
    });
  }
  // Too wide, long keys: one block per row, the first cell as its title.
  const out: string[] = [];
  for (const row of cells.slice(1)) {
    out.push(`  ${options.color ? `\u001b[1m${row[0] ?? ''}\u001b[22m` : (row[0] ?? '')}`);
    row.slice(1).forEach((cell, i) => {
      const label = row.length > 2 && visibleLength(cells[0]![i + 1] ?? '') > 0 ? `${cells[0]![i + 1]}: ` : '';
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
        out.push(code === '' ? '' : `    ${options.color ? `\u001b[2m${code}\u001b[22m` : code}`);
        i += 1;
      }
      i += 1;
      blank();
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      blank();
      const text = inline(heading[2]!.trim(), false);
      const shown = heading[1]!.length === 1 ? text.toUpperCase() : text;
      out.push(options.color ? `\u001b[1m${shown}\u001b[22m` : shown);
      if (heading[1]!.length <= 2 && !options.color) out.push(heading[1]!.length === 1 ? '='.repeat(visibleLength(shown)) : '-'.repeat(visibleLength(shown)));
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
      out.push(...wrap(inline(text, options.color), width, `${indent}${marker} `, `${indent}${' '.repeat(marker.length + 1)}`));
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
    out.push(...wrap(inline(paragraph, options.color), width));
  }
  while (out[out.length - 1] === '') out.pop();
  return `${out.join('\n')}\n`;
}
