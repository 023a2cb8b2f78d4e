import { it } from 'vitest';
import { renderTemplate, templateVariables } from '../../src/core/templates.js';
it('explore', () => {
const ctx = { x: { a: 1 }, answers: { rows: 25, tags: ['a','b'], ok: false }, customer: {} };
const cases = [
  '{{ x.constructor }}|', '{{ answers.__proto__ }}|', "{{ answers.constructor.name }}",
  '{{ missing.deep.x }}|', '{{ customer.name | default: "there" }}', '{{ answers.tags }}', '{{ answers.ok }}',
  '{{ answers }}', '{{ answers | raw }}', '{{ x | json }}', "{% if answers.ok %}y{% else %}n{% endif %}",
  "{% include '/etc/passwd' %}", "{% render 'x' %}", "{% layout 'x' %}", "{% for i in (1..10000000) %}x{% endfor %}",
  "{{ 'now' | date: '%Y' }}", "{{ x | nofilter }}", "{% if %}", "line1\n{{ x | nofilter }}", "{{ 'a,b' | split: ',' }}",
  "{% for i in (1..3000) %}{% for j in (1..3000) %}x{% endfor %}{% endfor %}", "{{ '<b>' }}", "{{ x.a | plus: 1 }}", "{{ 1.5 }}",
];
for (const c of cases) { const t=Date.now(); try { console.log(JSON.stringify(c), '=>', JSON.stringify(renderTemplate(c, ctx, {file:'a.md', line: 10})), Date.now()-t,'ms'); } catch (e: any) { console.log(JSON.stringify(c), 'ERR', e.code, e.message, e.line, Date.now()-t,'ms'); } }
console.log(templateVariables('{{ answers.rows }} {% for t in answers.tags %}{{ t }}{{ env.x }}{% endfor %} {{customer.name | default: agent.name}}'));
});
