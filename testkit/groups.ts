// Groups made with raw requests (R2, R4), as "another device" or a test's setup would: for core integration
// tests, e2e specs and benchmarks alike. Only fetch — no server code is loaded with it.

/** R2 (name == slug, Q7) by the owner, then R4 add_member for each other user — raw requests, the protocol way. */
export async function makeGroup(origin: string, ownerToken: string, slug: string, memberIds: string[]): Promise<void> {
  const r2 = await fetch(`${origin}/cht/api/groups/create/`, {
    method: 'POST',
    headers: { Authorization: ownerToken, 'content-type': 'application/json' },
    body: JSON.stringify({ group_name: slug, slug, type: 'public' }),
  })
  if (r2.status !== 201) throw new Error(`R2 ${r2.status}`)
  for (const uuid of memberIds) await addMember(origin, ownerToken, slug, uuid)
}

/** R4 add_member, as a manager's raw request. */
export function addMember(origin: string, managerToken: string, slug: string, uuid: string): Promise<void> {
  return r4(origin, managerToken, slug, 'add_member', uuid)
}

/** R4 remove_member, as a manager's raw request (someone else removes the user). */
export function removeMember(origin: string, managerToken: string, slug: string, uuid: string): Promise<void> {
  return r4(origin, managerToken, slug, 'remove_member', uuid)
}

async function r4(origin: string, token: string, slug: string, action: 'add_member' | 'remove_member', uuid: string): Promise<void> {
  const r = await fetch(`${origin}/cht/api/group_chat/${slug}/`, {
    method: 'POST',
    headers: { Authorization: token, 'content-type': 'application/json' },
    body: JSON.stringify({ action, uuid }),
  })
  if (r.status !== 200) throw new Error(`R4 ${action} ${r.status}`)
}
