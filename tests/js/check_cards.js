// Checks Adaptive Cards with Microsoft's renderer library (npm `adaptivecards`), targeting version 1.5
// (what Teams renders). One long-lived process per test session: read one card as JSON per line on stdin,
// write one line `{"problems": ["...", ...]}` to stdout.
//
// Reported: what the library's parser and validator report for a 1.5 target (unknown element or action
// types, elements and properties newer than 1.5, too many actions, duplicate ids, ...), and properties that
// no element or action of 1.5 knows (the library itself ignores those silently).
"use strict";

const readline = require("node:readline");
const AC = require("adaptivecards/dist/adaptivecards.js");

const TARGET = AC.Versions.v1_5;
// The library's default host allows 5 actions per action set; Teams' host configuration allows 6.
const TEAMS_HOST = new AC.HostConfig({ actions: { maxActions: 6 } });
// Keys the library parses outside its property schemas: the fallback, and the child collections of the
// card and its containers (body, items, actions, columns, inlines, rows, the card of Action.ShowCard).
const GENERIC_KEYS = new Set(["fallback", "body", "items", "actions", "columns", "inlines", "rows", "card"]);
// Values that hold data of the bot's own, not card structure.
const OPAQUE_KEYS = new Set(["data"]);

function schemaKeys(instance) {
  const schema = instance.getSchema();
  const names = new Set();
  for (let i = 0; i < schema.getCount(); i++) {
    names.add(schema.getItemAt(i).name);
  }
  return names;
}

function instanceFor(type, isRoot) {
  if (isRoot) {
    return new AC.AdaptiveCard();
  }
  return (
    AC.GlobalRegistry.elements.createInstance(type, TARGET) ||
    AC.GlobalRegistry.actions.createInstance(type, TARGET)
  );
}

function unknownProperties(node, path, isRoot, problems) {
  if (Array.isArray(node)) {
    node.forEach((item, index) => unknownProperties(item, `${path}[${index}]`, false, problems));
    return;
  }
  if (node === null || typeof node !== "object") {
    return;
  }
  const instance = typeof node.type === "string" ? instanceFor(node.type, isRoot) : undefined;
  if (instance) {
    const known = schemaKeys(instance);
    for (const key of Object.keys(node)) {
      if (!known.has(key) && !GENERIC_KEYS.has(key)) {
        problems.push(`${path}: ${node.type} has no property "${key}" in 1.5`);
      }
    }
  }
  for (const [key, value] of Object.entries(node)) {
    if (!OPAQUE_KEYS.has(key)) {
      unknownProperties(value, `${path}.${key}`, false, problems);
    }
  }
}

function check(payload) {
  const problems = [];
  const context = new AC.SerializationContext(TARGET);
  const card = new AC.AdaptiveCard();
  card.hostConfig = TEAMS_HOST;
  card.parse(payload, context);
  for (let i = 0; i < context.eventCount; i++) {
    const event = context.getEventAt(i);
    problems.push(`${AC.ValidationEvent[event.event]}: ${event.message}`);
  }
  for (const event of card.validateProperties().validationEvents) {
    problems.push(`${AC.ValidationEvent[event.event]}: ${event.message}`);
  }
  unknownProperties(payload, "$", true, problems);
  return problems;
}

const lines = readline.createInterface({ input: process.stdin, terminal: false });
lines.on("line", (line) => {
  let answer;
  try {
    answer = { problems: check(JSON.parse(line)) };
  } catch (error) {
    answer = { problems: [`the card could not be checked: ${error.message}`] };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});
