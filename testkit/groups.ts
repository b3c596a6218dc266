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
export async function addMember(origin: string, managerToken: string, slug: string, uuid: string): Promise<void> {
  const r4 = await fetch(`${origin}/cht/api/group_chat/${slug}/`, {
    method: 'POST',
    headers: { Authorization: managerToken, 'content-type': 'application/json' },
    body: JSON.stringify({ action: 'add_member', uuid }),
  })
  if (r4.status !== 200) throw new Error(`R4 ${r4.status}`)
}
