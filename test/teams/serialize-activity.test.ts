import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CardJson, createCardRenderers } from '../../src/render/render-card';
import { serializeActivity } from '../../src/teams/serialize-activity';

/** The bytes serializeActivity writes, read back as text. */
const serialized = (activity: object) => serializeActivity(activity).toString('utf8');

const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';

describe('serializeActivity', () => {
  it('writes UTF-8: text outside ASCII in the card and around it arrives as it was', () => {
    const card = new CardJson(JSON.stringify({ text: 'Привет — 😀 \u2028 "q"' }));
    const activity = { type: 'message', text: 'Ошибка ✓', attachments: [{ contentType: ADAPTIVE, content: card }] };
    const bytes = serializeActivity(activity);
    expect(Buffer.isBuffer(bytes)).toBe(true);
    expect(bytes.equals(Buffer.from(JSON.stringify({ type: 'message', text: 'Ошибка ✓', attachments: [{ contentType: ADAPTIVE, content: { text: 'Привет — 😀 \u2028 "q"' } }] })))).toBe(true);
  });


  it('writes the JSON that JSON.stringify writes of the same activity with card objects', () => {
    const data = { title: 'T "quoted" \\ \u2028', text: 'Привет <b>', color: 'warning' };
    const { renderCard, renderCardJson } = createCardRenderers();
    const asJson = renderCardJson('notice', data);
    const asObject = renderCard('notice', data);
    const activity = { type: 'message', text: 'x', replyToId: '1', conversation: { id: 'a:c' }, attachments: [{ contentType: ADAPTIVE, content: asJson }, { contentType: 'text/html', content: '<p>hi</p>' }, { contentType: ADAPTIVE, content: asJson, name: 'second' }] };
    const reference = { ...activity, attachments: [{ contentType: ADAPTIVE, content: asObject }, { contentType: 'text/html', content: '<p>hi</p>' }, { contentType: ADAPTIVE, content: asObject, name: 'second' }] };
    expect(JSON.parse(serialized(activity))).toStrictEqual(JSON.parse(JSON.stringify(reference)));
    // Anything else that serialises the activity gets the same card through toJSON.
    expect(JSON.parse(JSON.stringify(activity))).toStrictEqual(JSON.parse(JSON.stringify(reference)));
  });

  it('leaves an activity without a CardJson to JSON.stringify, and handles attachments alone', () => {
    const plain = { type: 'message', attachments: [{ contentType: ADAPTIVE, content: { type: 'AdaptiveCard' } }] };
    expect(serialized(plain)).toBe(JSON.stringify(plain));
    expect(serialized({ type: 'typing' })).toBe('{"type":"typing"}');
    expect(JSON.parse(serialized({ attachments: [{ content: new CardJson('{"a":[1,null]}') }] }))).toStrictEqual({ attachments: [{ content: { a: [1, null] } }] });
    expect(JSON.parse(serialized({ attachments: [{ content: new CardJson('{}') }, null] }))).toStrictEqual({ attachments: [{ content: {} }, null] });
    // eslint-disable-next-line no-sparse-arrays
    const sparse = [{ content: new CardJson('1') }, , undefined, () => 0];
    expect(serialized({ attachments: sparse })).toBe('{"attachments":[{"content":1},null,null,null]}');
  });

  it('keeps an own "__proto__" field, as JSON.stringify does', () => {
    const activity = JSON.parse('{"type":"message","__proto__":{"x":1},"attachments":[{"__proto__":2,"content":null}]}');
    activity.attachments[0].content = new CardJson('{"a":1}');
    expect(JSON.parse(serialized(activity))).toStrictEqual(JSON.parse('{"type":"message","__proto__":{"x":1},"attachments":[{"__proto__":2,"content":{"a":1}}]}'));
  });

  it('is valid JSON equal to JSON.stringify for any activity-shaped value', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.array(fc.tuple(fc.dictionary(fc.string(), fc.jsonValue()), fc.option(fc.jsonValue(), { nil: undefined }))), (rest, atts) => {
        const withCards = { ...rest, attachments: atts.map(([a, card]) => ({ ...a, content: new CardJson(JSON.stringify(card ?? null)) })) };
        const withObjects = { ...rest, attachments: atts.map(([a, card]) => ({ ...a, content: card ?? null })) };
        expect(JSON.parse(serialized(withCards))).toStrictEqual(JSON.parse(JSON.stringify(withObjects)));
      }),
    );
  });
});
