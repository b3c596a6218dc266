// The few words main shows itself (tray, application menu, the background note), in the UI language.
// Everything else the user reads is translated by the renderer (vue-i18n).
import type { Locale } from '../shared/model'

const en = {
  open: 'Open cht',
  dnd: 'Do Not Disturb',
  dnd1h: 'For 1 hour',
  dndTomorrow: 'Until tomorrow',
  dndForever: 'Until turned off',
  dndOff: 'Turn off',
  dndOn: 'Do Not Disturb is on',
  quit: 'Quit cht',
  file: 'File',
  edit: 'Edit',
  view: 'View',
  window: 'Window',
  go: 'Go',
  goToChat: 'Go to chat…',
  zoomIn: 'Zoom in',
  zoomOut: 'Zoom out',
  zoomReset: 'Actual size',
  unread: (n: number) => (n === 1 ? '1 unread message' : `${n} unread messages`),
  backgroundTitle: 'cht is still running',
  backgroundBody: 'New messages will still reach you. Quit from the tray icon or the menu.',
  // The context menu (context-menu.ts).
  cut: 'Cut',
  copy: 'Copy',
  paste: 'Paste',
  selectAll: 'Select all',
  addToDictionary: 'Add to dictionary',
  noSuggestions: 'No suggestions',
  copyLink: 'Copy link',
  openLink: 'Open link in the browser',
}

export type Labels = typeof en

const fa: Labels = {
  open: 'باز کردن cht',
  dnd: 'مزاحم نشوید',
  dnd1h: 'به مدت ۱ ساعت',
  dndTomorrow: 'تا فردا',
  dndForever: 'تا وقتی خاموشش کنم',
  dndOff: 'خاموش کردن',
  dndOn: 'حالت مزاحم نشوید روشن است',
  quit: 'خروج از cht',
  file: 'پرونده',
  edit: 'ویرایش',
  view: 'نما',
  window: 'پنجره',
  go: 'رفتن',
  goToChat: 'رفتن به گفتگو…',
  zoomIn: 'بزرگ‌نمایی',
  zoomOut: 'کوچک‌نمایی',
  zoomReset: 'اندازهٔ واقعی',
  unread: (n: number) => `${n.toLocaleString('fa-IR')} پیام خوانده‌نشده`,
  backgroundTitle: 'cht هنوز در حال اجراست',
  backgroundBody: 'پیام‌های تازه همچنان به شما می‌رسند. برای خروج از نماد سینی یا منو استفاده کنید.',
  cut: 'برش',
  copy: 'رونوشت',
  paste: 'چسباندن',
  selectAll: 'انتخاب همه',
  addToDictionary: 'افزودن به واژه‌نامه',
  noSuggestions: 'پیشنهادی نیست',
  copyLink: 'رونوشت پیوند',
  openLink: 'باز کردن پیوند در مرورگر',
}

export function labelsFor(locale: Locale | string | undefined): Labels {
  return locale === 'fa' ? fa : en
}
