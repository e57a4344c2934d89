import { Page } from '@tessera/web';
import { createContext, type ReactNode, useContext } from 'react';

export const APP = 'Letters of credit';

/** What frames every screen of a page once someone is logged in: its navigation and who it is. */
export const ShellContext = createContext<{ nav?: ReactNode; account?: ReactNode }>({});

/** A screen: the page with its title, the shell's navigation and account, and the screen's content. */
export function Frame(props: { title: string; children: ReactNode }) {
  const shell = useContext(ShellContext);
  return (
    <Page app={APP} title={props.title} nav={shell.nav} account={shell.account}>
      {props.children}
    </Page>
  );
}
