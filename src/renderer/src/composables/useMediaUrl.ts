import { onScopeDispose, ref, watch, type Ref } from 'vue'
import { useMediaStore } from '../stores/media'

/** A blob: URL for a server media URL, fetched through the bridge; released when the URL changes or the owner unmounts. */
export function useMediaUrl(source: () => string | undefined): { url: Ref<string | undefined>; failed: Ref<boolean> } {
  const media = useMediaStore()
  const url = ref<string | undefined>()
  const failed = ref(false)
  let held: string | undefined

  function drop(): void {
    if (held) media.release(held)
    held = undefined
  }

  watch(
    source,
    (src) => {
      drop()
      url.value = undefined
      failed.value = false
      if (!src) return
      held = src
      media.acquire(src).then(
        (blob) => { if (held === src) url.value = blob },
        () => { if (held === src) failed.value = true },
      )
    },
    { immediate: true },
  )

  onScopeDispose(drop)
  return { url, failed }
}
