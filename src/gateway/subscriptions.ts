/**
 * Which APIs each project has subscribed to. A project the config does not list has subscribed to every API,
 * so the sandbox works out of the box; listing a project narrows it to the APIs given.
 */
export type Subscriptions = Readonly<Record<string, readonly string[]>>;

export function isSubscribed(subscriptions: Subscriptions, projectId: string, api: string): boolean {
  const listed = Object.hasOwn(subscriptions, projectId) ? subscriptions[projectId] : undefined;
  return listed === undefined || listed.includes(api);
}
